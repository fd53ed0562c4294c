/* Text as printable ASCII, the only bytes FITS allows in headers and character columns.
 *
 * The escape is JSON's string escape, but for the double quote, which FITS text holds: \\
 * for the backslash, \n \t \r \b \f, \u00XX for the other control characters and DEL, and
 * \uXXXX (a UTF-16 surrogate pair beyond U+FFFF) for every character outside ASCII. A space
 * that ends the text is written \u0020, since FITS readers drop trailing blanks. Every other
 * character is unchanged, so plain ASCII text without a backslash reads as itself, and
 * json.loads('"' + text.replace('"', '\\"') + '"') undoes the escape. */
#include "fits_plugin.h"

#include <stdlib.h>
#include <string.h>

/* The code point at bytes[*at] (valid UTF-8 from Arrow utf8); advances *at. A stray byte
 * becomes its own value, so nothing is dropped. */
static uint32_t next_code_point(const unsigned char* bytes, int64_t length, int64_t* at) {
  unsigned char first = bytes[*at];
  int extra = first >= 0xF8 ? -1 : first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1 : first >= 0x80 ? -1 : 0;
  if (extra <= 0 || *at + extra >= length) { /* ASCII, a stray byte, or a cut sequence */
    *at += 1;
    return first;
  }
  uint32_t value = first & (0x3F >> extra);
  for (int i = 1; i <= extra; i++) {
    unsigned char next = bytes[*at + i];
    if ((next & 0xC0) != 0x80) {
      *at += 1;
      return first;
    }
    value = (value << 6) | (next & 0x3F);
  }
  *at += 1 + extra;
  return value;
}

static const char hex[] = "0123456789abcdef";

/* Writes \uXXXX for one UTF-16 unit; returns 6. */
static int64_t put_unit(char* out, uint32_t unit) {
  if (out != NULL) {
    out[0] = '\\';
    out[1] = 'u';
    for (int i = 0; i < 4; i++) out[2 + i] = hex[(unit >> (12 - 4 * i)) & 0xF];
  }
  return 6;
}

/* Escapes into out, or only measures when out is NULL. */
static int64_t escape(const char* text, int64_t length, char* out, int* changed) {
  const unsigned char* bytes = (const unsigned char*)text;
  int64_t written = 0, at = 0;
  int escaped = 0;
  while (at < length) {
    int64_t start = at;
    uint32_t c = next_code_point(bytes, length, &at);
    char* target = out != NULL ? out + written : NULL;
    const char* pair = NULL;
    switch (c) {
      case '\\': pair = "\\\\"; break;
      case '\n': pair = "\\n"; break;
      case '\t': pair = "\\t"; break;
      case '\r': pair = "\\r"; break;
      case '\b': pair = "\\b"; break;
      case '\f': pair = "\\f"; break;
      default: break;
    }
    if (pair != NULL) {
      if (target != NULL) memcpy(target, pair, 2);
      written += 2;
      escaped = 1;
    } else if (c == ' ' && at == length) {
      written += put_unit(target, ' ');
      escaped = 1;
    } else if (c >= 0x20 && c < 0x7F && at - start == 1) {
      if (target != NULL) *target = (char)c;
      written += 1;
    } else if (c >= 0x10000) {
      uint32_t v = c - 0x10000;
      written += put_unit(target, 0xD800 | (v >> 10));
      written += put_unit(out != NULL ? out + written : NULL, 0xDC00 | (v & 0x3FF));
      escaped = 1;
    } else {
      written += put_unit(target, c);
      escaped = 1;
    }
  }
  if (changed != NULL) *changed = escaped;
  return written;
}

int64_t fits_escape(const char* bytes, int64_t length, char* out, int* changed) {
  return escape(bytes, length, out, changed);
}

int64_t fits_escaped_length(const char* bytes, int64_t length) {
  return escape(bytes, length, NULL, NULL);
}

char* fits_escape_string(const char* text) {
  int64_t length = (int64_t)strlen(text);
  char* out = malloc((size_t)fits_escaped_length(text, length) + 1);
  if (out == NULL) return NULL;
  int64_t written = escape(text, length, out, NULL);
  out[written] = '\0';
  return out;
}
