# Helpers to declare the project's parts in one line each:
#   market_library(NAME http SOURCES src/a.cpp DEPS market::common Boost::headers)
#     -> target market_http, alias market::http, public include dir include/
#   market_test(NAME http_server_test SOURCES src/server_test.cpp DEPS market::http LABELS unit)
#     -> a Catch2 executable registered with CTest. Label `integration` tests need the private
#        PostgreSQL and Redis: they require the `infra` fixture, which deploy/local/infra.sh starts.
#   market_embed_migrations(TARGET listings_lib COMPONENT listings DIR migrations)
#     -> compiles every DIR/NNN_*.sql into the target, reachable as
#        market::pg::Migrations <COMPONENT>Migrations() declared by the generated header
#        <component>_migrations.hpp.

# Fixed test ports sit below Linux's ephemeral range (32768-60999), so that no outgoing
# connection of a test can hold one of them when a server needs to listen there.
set(MARKET_TEST_PG_PORT 25432 CACHE STRING "Port of the private PostgreSQL the tests start")
set(MARKET_TEST_REDIS_PORT 26379 CACHE STRING "Port of the private events Redis the tests start")
set(MARKET_TEST_REDIS_CACHE_PORT 26380 CACHE STRING
    "Port of the private cache Redis the tests start")
set(MARKET_TEST_STATE_DIR "${CMAKE_BINARY_DIR}/test-infra" CACHE PATH "Data of the test servers")

function(market_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(market_${ARG_NAME} STATIC ${ARG_SOURCES})
  add_library(market::${ARG_NAME} ALIAS market_${ARG_NAME})
  target_include_directories(market_${ARG_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(market_${ARG_NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

add_library(market_catch_main STATIC ${CMAKE_SOURCE_DIR}/cmake/catch_main.cpp)
target_include_directories(market_catch_main PUBLIC ${CATCH2_INCLUDE_DIR})

set(MARKET_TEST_ENVIRONMENT
    "MARKET_TEST_PG_ADMIN_DSN=postgresql://postgres@127.0.0.1:${MARKET_TEST_PG_PORT}/postgres"
    "MARKET_TEST_PG_PORT=${MARKET_TEST_PG_PORT}"
    "MARKET_TEST_REDIS_PORT=${MARKET_TEST_REDIS_PORT}"
    "MARKET_TEST_REDIS_CACHE_PORT=${MARKET_TEST_REDIS_CACHE_PORT}"
    "MARKET_TEST_INFRA=${CMAKE_SOURCE_DIR}/deploy/local/infra.sh"
    "MARKET_TEST_STATE_DIR=${MARKET_TEST_STATE_DIR}"
    "MARKET_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
    "MARKET_BINARY_DIR=${CMAKE_BINARY_DIR}")

function(market_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE market_catch_main ${ARG_DEPS})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME} --reporter compact)
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                                              ENVIRONMENT "${MARKET_TEST_ENVIRONMENT}")
  if(NOT "unit" IN_LIST ARG_LABELS)
    set_tests_properties(${ARG_NAME} PROPERTIES FIXTURES_REQUIRED infra RESOURCE_LOCK infra)
  endif()
endfunction()

function(market_embed_migrations)
  cmake_parse_arguments(ARG "" "TARGET;COMPONENT;DIR" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${ARG_DIR}/*.sql)
  list(SORT sql_files)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/migrations_gen)
  set(out_cpp ${out_dir}/${ARG_COMPONENT}_migrations.cpp)
  add_custom_command(
    OUTPUT ${out_cpp} ${out_dir}/${ARG_COMPONENT}_migrations.hpp
    COMMAND ${CMAKE_COMMAND} -DCOMPONENT=${ARG_COMPONENT} -DOUT_DIR=${out_dir}
            "-DSQL_FILES=${sql_files}" -P ${CMAKE_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${CMAKE_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "Embedding ${ARG_COMPONENT} migrations"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE ${out_cpp})
  target_include_directories(${ARG_TARGET} PUBLIC ${out_dir})
  target_link_libraries(${ARG_TARGET} PUBLIC market::pg)
endfunction()

# market_service_glue(TARGET t PROTO_ROOT dir PROTOS a/b.proto ... DEPS lib ... [WITH_MESSAGES])
#   -> static library t holding the glue protoc-gen-market writes for each listed proto that
#      declares a service: <stem>.connect.h (abstract <Service>Base, Register, <Service>Client)
#      and <stem>.connect.cc. A method without an access option fails the build here.
#      WITH_MESSAGES also compiles the protos' messages into t (for protos outside proto/,
#      whose messages market::proto does not hold).
function(market_service_glue)
  cmake_parse_arguments(ARG "WITH_MESSAGES" "TARGET;PROTO_ROOT" "PROTOS;DEPS" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}_gen)
  file(MAKE_DIRECTORY ${out_dir})
  set(sources "")
  foreach(rel ${ARG_PROTOS})
    file(STRINGS ${ARG_PROTO_ROOT}/${rel} service_lines REGEX "^service ")
    if(NOT service_lines)
      continue()
    endif()
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    list(APPEND sources ${out_dir}/${stem}.connect.cc)
    if(ARG_WITH_MESSAGES)
      list(APPEND sources ${out_dir}/${stem}.pb.cc)
      add_custom_command(
        OUTPUT ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h
        COMMAND protobuf::protoc --proto_path=${ARG_PROTO_ROOT} --proto_path=${MARKET_PROTO_DIR}
                --cpp_out=${out_dir} ${rel}
        DEPENDS ${ARG_PROTO_ROOT}/${rel} protobuf::protoc
        WORKING_DIRECTORY ${ARG_PROTO_ROOT}
        COMMENT "protoc ${rel}"
        VERBATIM)
    endif()
    add_custom_command(
      OUTPUT ${out_dir}/${stem}.connect.cc ${out_dir}/${stem}.connect.h
      COMMAND protobuf::protoc --proto_path=${ARG_PROTO_ROOT} --proto_path=${MARKET_PROTO_DIR}
              --plugin=protoc-gen-market=$<TARGET_FILE:protoc-gen-market>
              --market_out=${out_dir} ${rel}
      DEPENDS ${ARG_PROTO_ROOT}/${rel} protoc-gen-market protobuf::protoc
      WORKING_DIRECTORY ${ARG_PROTO_ROOT}
      COMMENT "protoc-gen-market ${rel}"
      VERBATIM)
  endforeach()
  add_library(${ARG_TARGET} STATIC ${sources})
  target_include_directories(${ARG_TARGET} PUBLIC ${out_dir})
  target_link_libraries(${ARG_TARGET} PUBLIC market::connect ${ARG_DEPS})
endfunction()
