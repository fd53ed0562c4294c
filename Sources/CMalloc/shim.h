// glibc's malloc tuning (mallopt), which Swift's Glibc module does not expose.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
