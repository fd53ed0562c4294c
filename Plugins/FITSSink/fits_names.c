/* TTYPEn names. fitsverify warns on any character but letters, digits and _, and on names
 * equal ignoring case, and cfitsio cuts names past 68 characters. So: every other character
 * (each UTF-8 character, not each byte) becomes _, a name is cut to 68 characters, an empty
 * one becomes COLn, and a name equal ignoring case to an earlier one gets _2, _3, … The
 * original name of every column whose name changed is kept in its ONAMEn keyword. */
#include "fits_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_name_character(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether name equals, ignoring case, a name given to an earlier column. */
static int taken(const struct fits_column* columns, int64_t before, const char* name) {
  for (int64_t i = 0; i < before; i++) {
    if (strcasecmp(columns[i].fits_name, name) == 0) return 1;
  }
  return 0;
}

int fits_map_names(struct fits_column* columns, int64_t count) {
  for (int64_t i = 0; i < count; i++) {
    const unsigned char* original = (const unsigned char*)columns[i].name;
    char base[FITS_MAX_NAME + 1];
    size_t length = 0;
    for (size_t at = 0; original[at] != '\0' && length < FITS_MAX_NAME; at++) {
      if ((original[at] & 0xC0) == 0x80) continue; /* the rest of a UTF-8 character */
      base[length++] = is_name_character(original[at]) ? (char)original[at] : '_';
    }
    base[length] = '\0';
    if (length == 0) snprintf(base, sizeof base, "COL%lld", (long long)(i + 1));

    char candidate[FITS_MAX_NAME + 1];
    snprintf(candidate, sizeof candidate, "%s", base);
    for (int suffix = 2; taken(columns, i, candidate); suffix++) {
      char tail[16];
      int tail_length = snprintf(tail, sizeof tail, "_%d", suffix);
      size_t keep = strlen(base);
      if (keep + (size_t)tail_length > FITS_MAX_NAME) keep = FITS_MAX_NAME - (size_t)tail_length;
      snprintf(candidate, sizeof candidate, "%.*s%s", (int)keep, base, tail);
    }
    columns[i].fits_name = strdup(candidate);
    if (columns[i].fits_name == NULL) return -1;
  }
  return 0;
}
