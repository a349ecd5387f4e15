# Runs protoc-gen-market on sample protos whose access options are missing or inconsistent and
# expects each run to fail naming the method and the rule; a well-formed sample must pass.
#   cmake -DPROTOC=... -DPLUGIN=... -DPROTO_DIR=... -DTESTDATA=... -DOUT_DIR=... -P this
file(MAKE_DIRECTORY ${OUT_DIR})

function(run_plugin proto out_result out_error)
  execute_process(
    COMMAND ${PROTOC} --proto_path=${TESTDATA} --proto_path=${PROTO_DIR}
            --plugin=protoc-gen-market=${PLUGIN} --market_out=${OUT_DIR} ${proto}
    RESULT_VARIABLE result ERROR_VARIABLE error OUTPUT_QUIET)
  set(${out_result} ${result} PARENT_SCOPE)
  set(${out_error} "${error}" PARENT_SCOPE)
endfunction()

# proto file -> a text the refusal must contain
set(cases
    "no_access.proto|market.codegentest.v1.NoAccessService/Forgotten has no (market.auth.v1.access) option"
    "no_roles.proto|market.codegentest.v1.NoRolesService/Nobody: (market.auth.v1.access) lists no roles"
    "public_and_roles.proto|market.codegentest.v1.BothService/Both: (market.auth.v1.access) is public and lists roles")
foreach(entry ${cases})
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 proto)
  list(GET parts 1 expected)
  run_plugin(${proto} result error)
  if(result EQUAL 0)
    message(FATAL_ERROR "${proto}: the plugin accepted it; it must refuse it")
  endif()
  string(FIND "${error}" "${expected}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "${proto}: expected the refusal to say\n  ${expected}\nbut it said\n  ${error}")
  endif()
endforeach()

run_plugin(well_formed.proto result error)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "well_formed.proto: refused: ${error}")
endif()
if(NOT EXISTS ${OUT_DIR}/well_formed.connect.h OR NOT EXISTS ${OUT_DIR}/well_formed.connect.cc)
  message(FATAL_ERROR "well_formed.proto: no glue was written to ${OUT_DIR}")
endif()
