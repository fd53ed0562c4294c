/* The FITS sink plugin's internals: one table spooled to a scratch file while batches
 * arrive, then written as a BINTABLE by cfitsio once every value (and so every string
 * width and integer null) is known. */
#ifndef FITS_PLUGIN_H
#define FITS_PLUGIN_H

#include "fink_export_sink.h"

#include <stdint.h>
#include <stdio.h>

/* FITS limits (cfitsio 4.2, FITS Standard 4.0). */
#define FITS_MAX_COLUMNS 999
#define FITS_MAX_NAME 68 /* characters of a TTYPEn value */

enum column_kind { KIND_INT64, KIND_INT32, KIND_FLOAT64, KIND_BOOL, KIND_TEXT };

/* One column: what the schema said, and what spooling learnt about its values. */
struct fits_column {
  char* name;        /* the original name, UTF-8 */
  char* fits_name;   /* TTYPEn: ASCII letters, digits and _, unique ignoring case */
  enum column_kind kind;
  int bit_width;     /* 32 or 64 for numbers, from fink_export.bit_width */
  char* unit;        /* UTF-8 metadata, or NULL */
  char* ucd;
  char* description;

  int64_t nulls;
  int64_t width;         /* text: bytes of the longest escaped value (at least 1) */
  int64_t escaped;       /* text: values written with escapes */
  int64_t empty_as_null; /* text: empty strings, which FITS readers cannot tell from null */
  /* Integers: which of the 64 lowest and 64 highest values of the type occur, so a TNULLn
   * the data does not use can be chosen. */
  uint64_t low_values, high_values;
  int64_t lowest_count;  /* values equal to the type's lowest */
  int64_t null_value;    /* the chosen TNULLn */
  int64_t null_clashes;  /* values equal to null_value (only when all 128 candidates occur) */
};

struct fits_table {
  char* name;
  char* description;
  int64_t column_count;
  struct fits_column* columns;
  int64_t rows;
  int64_t spool_start; /* where its batches start in the spool */
};

struct fits_writer {
  char* staging_path;
  char* spool_path;  /* the spool file, in the host's scratch directory */
  int gzip;
  int float32;
  FILE* spool;
  int64_t spool_size;
  struct fits_table* tables;
  int table_count;
  int table_open;
};

/* fits_text.c: text as printable ASCII. */
/* Writes the escaped form of bytes[0..length) into out (room for fits_escaped_length bytes)
 * and returns its length; *changed says whether anything was escaped. */
int64_t fits_escape(const char* bytes, int64_t length, char* out, int* changed);
/* The length of the escaped form. */
int64_t fits_escaped_length(const char* bytes, int64_t length);
/* A NUL-terminated escaped copy of a C string (malloc'd), or NULL when out of memory. */
char* fits_escape_string(const char* text);

/* fits_names.c: TTYPEn names from the original ones. */
/* Fills columns[i].fits_name; returns 0, or -1 when out of memory. */
int fits_map_names(struct fits_column* columns, int64_t count);

/* fits_units.c: whether astropy's and the standard's FITS unit grammar takes unit. */
int fits_unit_is_valid(const char* unit);

/* fits_spool.c: batches kept in the scratch file until the table is written. */
int32_t fits_spool_batch(struct fits_writer* w, struct fits_table* t, const struct ArrowArray* batch,
                         struct FinkExportSinkError* error);
/* Chooses each integer column's TNULLn from what spooling saw. */
void fits_choose_null_values(struct fits_table* t);

/* fits_table.c: the FITS file itself. */
int32_t fits_write_file(struct fits_writer* w, const char* path, const struct FinkExportSinkKeyValue* provenance,
                        int64_t count, struct FinkExportSinkError* error);

/* fits_metadata.c: Arrow field metadata. */
/* A malloc'd copy of the value of key in Arrow-encoded metadata, or NULL. */
char* fits_metadata_value(const char* metadata, const char* key);

#endif
