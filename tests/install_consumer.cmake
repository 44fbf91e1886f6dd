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
run("configure consumer" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/build"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=${CONSUMER_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_FLAGS}")
run("build consumer" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
run("run consumer" "${WORK_DIR}/build/consumer")
