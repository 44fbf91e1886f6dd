# The commit `pipescope --version` reports, found at configure time.
#
# Sets PIPESCOPE_GIT_DESCRIPTION to "git <12-digit hash>", with ", modified" when tracked files
# differ from that commit at configure time, or to "commit unknown: ..." outside a git checkout
# (a release tarball). A packager building from a tarball passes the commit they know with
# -DPIPESCOPE_GIT_COMMIT=<hash>.
#
# Configure time, not build time: the hash is baked into one generated header, and the build
# re-runs CMake when HEAD or the branch it names moves, so a commit never leaves a stale hash.
# Only "modified" can be stale (edits after configuring do not re-run CMake).
set(PIPESCOPE_GIT_COMMIT "" CACHE STRING
    "Commit reported by --version when building outside a git checkout (e.g. from a tarball)")

function(pipescope_git_description out)
    if(PIPESCOPE_GIT_COMMIT)
        set(${out} "git ${PIPESCOPE_GIT_COMMIT}" PARENT_SCOPE)
        return()
    endif()
    set(unknown "commit unknown: not built from a git checkout")
    find_package(Git QUIET)
    if(NOT GIT_FOUND)
        set(${out} "commit unknown: git not found when configuring" PARENT_SCOPE)
        return()
    endif()
    # A tarball unpacked inside some other repository (a distribution's packaging tree) must
    # not report that repository's commit: the checkout's top must be this source tree.
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" rev-parse --show-toplevel
                    OUTPUT_VARIABLE toplevel OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE rc ERROR_QUIET)
    file(REAL_PATH "${PROJECT_SOURCE_DIR}" source)
    if(rc EQUAL 0)
        file(REAL_PATH "${toplevel}" toplevel)
    endif()
    if(NOT rc EQUAL 0 OR NOT toplevel STREQUAL source)
        set(${out} "${unknown}" PARENT_SCOPE)
        return()
    endif()
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" rev-parse --short=12 HEAD
                    OUTPUT_VARIABLE hash OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE rc ERROR_QUIET)
    if(NOT rc EQUAL 0) # a repository without commits yet
        set(${out} "${unknown}" PARENT_SCOPE)
        return()
    endif()
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" status --porcelain
                            --untracked-files=no
                    OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    set(description "git ${hash}")
    if(changes)
        string(APPEND description ", modified")
    endif()
    set(${out} "${description}" PARENT_SCOPE)

    # Re-run CMake when HEAD moves: HEAD itself (a checkout), the branch it names (a commit)
    # and packed-refs (where `git gc` moves the branch). Missing files are fine for ninja/make.
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" symbolic-ref -q HEAD
                    OUTPUT_VARIABLE branch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    foreach(ref HEAD ${branch} packed-refs)
        execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PROJECT_SOURCE_DIR}" rev-parse
                                --path-format=absolute --git-path "${ref}"
                        OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        if(path)
            set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                         "${path}")
        endif()
    endforeach()
endfunction()

pipescope_git_description(PIPESCOPE_GIT_DESCRIPTION)
message(STATUS "pipescope --version will report: ${PROJECT_VERSION} (${PIPESCOPE_GIT_DESCRIPTION})")
