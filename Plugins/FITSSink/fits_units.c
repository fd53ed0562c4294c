/* Whether a unit string follows the FITS unit grammar (FITS Standard 4.0 §4.3) as astropy's
 * "fits" format parses it: terms joined by '.', '*', ' ' or '/', each a known symbol with an
 * optional power ("m2", "cm-2", "mag**2", "s^-1", "m**(-2)"). The symbols are the standard's
 * tables 4 to 6 as astropy lists them: SI prefixes on the bases, none on the others. Anything
 * else is not written as TUNITn (it stays in the provenance), so no reader meets a unit it
 * cannot parse. A subset on purpose: a unit this refuses is kept, just not as TUNITn. */
#include "fits_plugin.h"

#include <ctype.h>
#include <string.h>

static const char* const prefixed_bases[] = {
    "m", "g", "s", "rad", "sr", "K", "A", "mol", "cd", "Hz", "J", "W", "V", "N", "Pa", "C", "Ohm", "S",
    "F", "Wb", "T", "H", "lm", "lx", "a", "yr", "eV", "pc", "Jy", "mag", "R", "bit", "byte", "G", "barn", NULL};
static const char* const prefixes[] = {
    "y", "z", "a", "f", "p", "n", "u", "m", "c", "d", "", "da", "h", "k", "M", "G", "T", "P", "E", "Z", "Y", NULL};
static const char* const simple_units[] = {
    "deg", "arcmin", "arcsec", "mas", "min", "h", "d", "Ry", "solMass", "u", "solLum", "solRad", "AU", "lyr",
    "count", "ct", "photon", "ph", "pixel", "pix", "D", "Sun", "chan", "bin", "voxel", "adu", "beam", "erg",
    "Angstrom", "angstrom", NULL};

static int is_symbol(const char* text, size_t length) {
  for (int i = 0; simple_units[i] != NULL; i++) {
    if (strlen(simple_units[i]) == length && memcmp(simple_units[i], text, length) == 0) return 1;
  }
  for (int p = 0; prefixes[p] != NULL; p++) {
    size_t prefix_length = strlen(prefixes[p]);
    if (prefix_length >= length || memcmp(prefixes[p], text, prefix_length) != 0) continue;
    for (int b = 0; prefixed_bases[b] != NULL; b++) {
      if (strlen(prefixed_bases[b]) == length - prefix_length && memcmp(prefixed_bases[b], text + prefix_length, length - prefix_length) == 0) {
        return 1;
      }
    }
  }
  return 0;
}

/* An integer, optionally signed; advances *at. */
static int integer(const char* unit, size_t* at) {
  size_t start = *at;
  if (unit[*at] == '+' || unit[*at] == '-') (*at)++;
  size_t digits = *at;
  while (isdigit((unsigned char)unit[*at])) (*at)++;
  return *at > digits || (*at = start, 0);
}

/* An optional power after a symbol: digits, a signed integer, ** or ^ then an integer or
 * (integer); advances *at. Returns 0 when a power starts but is malformed. */
static int power(const char* unit, size_t* at) {
  if (strncmp(unit + *at, "**", 2) == 0 || unit[*at] == '^') {
    *at += unit[*at] == '^' ? 1 : 2;
    if (unit[*at] == '(') {
      (*at)++;
      if (!integer(unit, at) || unit[*at] != ')') return 0;
      (*at)++;
      return 1;
    }
    return integer(unit, at);
  }
  if (unit[*at] == '+' || unit[*at] == '-' || isdigit((unsigned char)unit[*at])) return integer(unit, at);
  return 1;
}

int fits_unit_is_valid(const char* unit) {
  size_t at = 0;
  if (unit[0] == '\0') return 0;
  for (;;) {
    size_t start = at;
    while (isalpha((unsigned char)unit[at])) at++;
    if (at == start || !is_symbol(unit + start, at - start)) return 0;
    if (!power(unit, &at)) return 0;
    if (unit[at] == '\0') return 1;
    if (unit[at] != '.' && unit[at] != '*' && unit[at] != ' ' && unit[at] != '/') return 0;
    at++;
  }
}
