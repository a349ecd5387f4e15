// Debian's Boost 1.81 ships Boost.JSON without a compiled library: this translation unit
// compiles it once for the whole project.
#include <boost/json/src.hpp>
