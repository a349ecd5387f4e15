# Sourced by the benchmarks that drive wrk: the one way they write a wrk script.
#
#   wrk_post_script FILE BODY [BEARER]
#
# FILE makes wrk POST the JSON BODY (no single quotes in it) with Content-Type
# application/json, and with "Authorization: Bearer BEARER" when BEARER is given.
wrk_post_script() {
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = '$2'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    if [ -n "${3:-}" ]; then echo "wrk.headers[\"Authorization\"] = \"Bearer $3\""; fi
  } >"$1"
}
