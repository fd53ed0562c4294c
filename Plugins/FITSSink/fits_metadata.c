/* Arrow field metadata (C Data Interface encoding: an int32 count, then per pair an int32
 * key length, the key, an int32 value length, the value; native byte order). */
#include "fits_plugin.h"

#include <stdlib.h>
#include <string.h>

char* fits_metadata_value(const char* metadata, const char* key) {
  if (metadata == NULL) return NULL;
  int32_t count, length;
  memcpy(&count, metadata, sizeof count);
  const char* at = metadata + sizeof count;
  size_t key_length = strlen(key);
  for (int32_t i = 0; i < count; i++) {
    memcpy(&length, at, sizeof length);
    const char* name = at + sizeof length;
    int32_t name_length = length;
    at = name + name_length;
    memcpy(&length, at, sizeof length);
    const char* value = at + sizeof length;
    at = value + length;
    if ((size_t)name_length == key_length && memcmp(name, key, key_length) == 0) {
      char* copy = malloc((size_t)length + 1);
      if (copy == NULL) return NULL;
      memcpy(copy, value, (size_t)length);
      copy[length] = '\0';
      return copy;
    }
  }
  return NULL;
}
