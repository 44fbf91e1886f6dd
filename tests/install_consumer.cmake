# ctest case: install PipeScope into a scratch prefix, then configure, build and run a consumer
# project that finds it with find_package(PipeScope CONFIG). Variables (-D): BUILD_DIR,
# SOURCE_DIR (tests/consumer), WORK_DIR, CONSUMER_FLAGS (sanitizer flags of the build).
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run step)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${step} failed (${rc}):\n${out}\n${err}")
    endif()
    message(STATUS "${step}: ok")
endfunction()

run("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(expected lib/libpipescope_core.so include/pipescope/readpipetransport.h
                 include/pipescope/writepipetransport.h lib/cmake/PipeScope/PipeScopeConfig.cmake)
    if(NOT EXISTS "${prefix}/${expected}")
        file(GLOB_RECURSE found RELATIVE "${prefix}" "${prefix}/*")
        message(FATAL_ERROR "not installed: ${expected}\ninstalled: ${found}")
    endif()
endforeach()
foreach(internal include/pipescope/lab.h include/pipescope/lesson.h include/pipescope/labpipe.h
                 lib/libpipescope_lab.a lib/libpipescope_core.a)
    if(EXISTS "${prefix}/${internal}")
        message(FATAL_ERROR "installed, but internal to PipeScope: ${internal}")
    endif()
endforeach()
# The library exports its installed API and hides the rest: the explorer's /proc readers,
# the meter's internals, and nothing of the Lab or the lessons (they are not in it at all).
execute_process(COMMAND nm -D -C --defined-only "${prefix}/lib/libpipescope_core.so"
                OUTPUT_VARIABLE exported RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm -D libpipescope_core.so failed (${rc})")
endif()
foreach(wanted "PipeScope::ReadPipeTransport::pauseReading" "PipeScope::ProcScanner::scan"
               "PipeScope::PipelineMeter::run" "PipeScope::ProcParsers::parseStat")
    string(FIND "${exported}" "${wanted}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "libpipescope_core.so does not export ${wanted}")
    endif()
endforeach()
foreach(hidden "PipeScope::ProcessReader::" "PipeScope::ProcDirectory::" "PipeScope::MeterSession::"
               "PipeScope::Lab" "PipeScope::Lesson")
    string(FIND "${exported}" "${hidden}" at)
    if(NOT at EQUAL -1)
        message(FATAL_ERROR "libpipescope_core.so exports an internal symbol: ${hidden}")
    endif()
endforeach()
string(REGEX MATCHALL "\n[0-9a-f]+ [TW] PipeScope::" exported_functions "${exported}")
list(LENGTH exported_functions exported_count)
message(STATUS "exports: ${exported_count} PipeScope functions, none of the internals checked")
run("configure consumer" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/build"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=${CONSUMER_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_FLAGS}")
run("build consumer" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
run("run consumer" "${WORK_DIR}/build/consumer")
