# Build step (cmake -P): writes OUTPUT from `PROGRAM --help-man` (WHAT=man) or
# `PROGRAM --help-completion WHAT` (bash, zsh), failing the build if the program fails.
if(WHAT STREQUAL "man")
    set(arguments --help-man)
else()
    set(arguments --help-completion ${WHAT})
endif()
execute_process(COMMAND "${PROGRAM}" ${arguments}
                OUTPUT_FILE "${OUTPUT}.tmp" ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    file(REMOVE "${OUTPUT}.tmp")
    message(FATAL_ERROR "${PROGRAM} ${arguments} failed (${rc}):\n${err}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
