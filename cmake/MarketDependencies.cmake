# Every dependency comes from a Debian 12 package; deploy/local/install-deps.sh installs them.
# Boost 1.81 (libboost1.81-all-dev) rather than the default 1.74: Beast and Asio gained fixes
# for body limits and cancellation, and Boost.JSON (used for logs, tokens and error bodies) is
# only mature from 1.75 on. Debian ships Boost.JSON header-only: libs/common compiles it once
# (src/boost_json.cpp), so link market::common rather than a Boost::json target.
find_package(Boost 1.81 EXACT REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(Protobuf 3.21 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
find_path(CATCH2_INCLUDE_DIR catch2/catch.hpp REQUIRED)

# Boost.Asio without deprecated interfaces; Beast's own separate compilation stays off.
add_compile_definitions(BOOST_ASIO_NO_DEPRECATED BOOST_ALLOW_DEPRECATED_HEADERS)
