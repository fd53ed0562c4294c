// libFuzzer's entry for programs that keep their own main (SwiftPM names an executable's
// entry point itself, so libFuzzer's main cannot be used). Linked by -sanitize=fuzzer.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
