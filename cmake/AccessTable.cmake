# Keeps the README's "who may call what" table equal to the one generated from the protos.
#   cmake -DMODE=check|update -DTABLE=<generated access_table.md> -DREADME=<README.md> -P this
# The table sits between the two marker lines below; everything else in the README is left as is.
set(begin_marker "<!-- access table: generated from the protos' access options; run `cmake --build build --target update_access_table` -->\n")
set(end_marker "<!-- end of access table -->")

file(READ ${TABLE} table)
file(READ ${README} readme)
string(FIND "${readme}" "${begin_marker}" begin)
string(FIND "${readme}" "${end_marker}" end)
if(begin EQUAL -1 OR end EQUAL -1 OR end LESS begin)
  message(FATAL_ERROR "${README}: the access table markers are missing; put these two lines "
                      "where the table belongs:\n${begin_marker}${end_marker}")
endif()
string(LENGTH "${begin_marker}" begin_length)
math(EXPR table_start "${begin} + ${begin_length}")
math(EXPR table_length "${end} - ${table_start}")
string(SUBSTRING "${readme}" ${table_start} ${table_length} current)

if(MODE STREQUAL "check")
  if(NOT current STREQUAL table)
    message(FATAL_ERROR "${README}: the access table differs from the protos' access options. "
                        "Run `cmake --build build --target update_access_table` and commit.\n"
                        "README has:\n${current}\nthe protos say:\n${table}")
  endif()
elseif(MODE STREQUAL "update")
  string(SUBSTRING "${readme}" 0 ${table_start} head)
  string(SUBSTRING "${readme}" ${end} -1 tail)
  file(WRITE ${README} "${head}${table}${tail}")
else()
  message(FATAL_ERROR "MODE must be check or update")
endif()
