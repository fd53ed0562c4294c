/* The FITS file: an empty primary HDU, then one BINTABLE per table, its header complete
 * before its rows (names, formats, units, nulls, comments, UCDs, the escape, the provenance),
 * the rows built big-endian from the spool and written as bytes, and each HDU's checksum
 * last. cfitsio keeps its error messages in one process-wide stack, so all cfitsio work of
 * the plugin runs under one lock. */
#include "fits_plugin.h"

#include <errno.h>
#include <fitsio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t cfitsio_lock = PTHREAD_MUTEX_INITIALIZER;

/* Rows are written in chunks of about this many bytes. */
#define CHUNK_BYTES (8 << 20)

/* cfitsio's status text and the oldest message on its stack, as the plugin's error. */
static int32_t cfitsio_error(struct FinkExportSinkError* error, int status, const char* action) {
  char text[FLEN_STATUS] = "", detail[FLEN_ERRMSG] = "";
  fits_get_errstatus(status, text);
  fits_read_errmsg(detail);
  fits_clear_errmsg();
  return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "cfitsio failed %s: %s (status %d%s%s)", action,
                                    text, status, detail[0] ? "; " : "", detail);
}

static int64_t width_of(const struct fits_writer* w, const struct fits_column* c) {
  switch (c->kind) {
    case KIND_INT64: return 8;
    case KIND_INT32: return 4;
    case KIND_FLOAT64: return w->float32 && c->bit_width == 32 ? 4 : 8;
    case KIND_BOOL: return 1;
    case KIND_TEXT: return c->width > 0 ? c->width : 1;
  }
  return 0;
}

static void tform_of(const struct fits_writer* w, const struct fits_column* c, char* out, size_t room) {
  switch (c->kind) {
    case KIND_INT64: snprintf(out, room, "K"); break;
    case KIND_INT32: snprintf(out, room, "J"); break;
    case KIND_FLOAT64: snprintf(out, room, width_of(w, c) == 4 ? "E" : "D"); break;
    case KIND_BOOL: snprintf(out, room, "L"); break;
    case KIND_TEXT: snprintf(out, room, "%lldA", (long long)width_of(w, c)); break;
  }
}

/* A long string keyword (CONTINUE cards when needed) holding escaped text. */
static void write_text_key(fitsfile* f, const char* key, const char* text, const char* comment, int* status) {
  char* escaped = fits_escape_string(text);
  if (escaped == NULL) {
    *status = MEMORY_ALLOCATION;
    return;
  }
  fits_write_key_longstr(f, (char*)key, escaped, (char*)comment, status);
  free(escaped);
}

/* HIERARCH FINK_EXPORT <KEY>: a provenance key in capitals, other characters as _. */
static void provenance_key(const char* key, char* out, size_t room) {
  size_t used = (size_t)snprintf(out, room, "HIERARCH FINK_EXPORT ");
  for (const char* at = key; *at != '\0' && used + 1 < room; at++) {
    char c = *at;
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    out[used++] = ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') ? c : '_';
  }
  out[used] = '\0';
}

static void put_be(uint8_t* at, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; i++) at[i] = (uint8_t)(value >> (8 * (bytes - 1 - i)));
}

static int read_exactly(FILE* f, void* out, size_t count) {
  return count == 0 || fread(out, 1, count, f) == count;
}

/* One spooled batch as arrays, column by column. */
struct spooled_column {
  uint8_t* valid;
  void* values;
  int32_t* lengths; /* text */
  char* bytes;      /* text */
  int64_t* starts;  /* text: where each row's bytes start */
};

static void free_spooled(struct spooled_column* columns, int64_t count) {
  for (int64_t i = 0; columns != NULL && i < count; i++) {
    free(columns[i].valid);
    free(columns[i].values);
    free(columns[i].lengths);
    free(columns[i].bytes);
    free(columns[i].starts);
  }
  free(columns);
}

/* Reads the next batch of t from the spool; returns its rows, or -1. */
static int64_t read_batch(FILE* spool, const struct fits_table* t, struct spooled_column** out) {
  int64_t rows;
  if (!read_exactly(spool, &rows, sizeof rows) || rows < 0) return -1;
  struct spooled_column* columns = calloc((size_t)t->column_count + 1, sizeof *columns);
  if (columns == NULL) return -1;
  for (int64_t i = 0; i < t->column_count; i++) {
    const struct fits_column* c = &t->columns[i];
    struct spooled_column* s = &columns[i];
    s->valid = malloc((size_t)rows + 1);
    if (s->valid == NULL || !read_exactly(spool, s->valid, (size_t)rows)) goto fail;
    size_t size = c->kind == KIND_INT32 ? 4 : c->kind == KIND_BOOL ? 1 : 8;
    if (c->kind == KIND_TEXT) {
      s->lengths = malloc(sizeof(int32_t) * (size_t)rows + 1);
      s->starts = malloc(sizeof(int64_t) * (size_t)rows + 1);
      if (s->lengths == NULL || s->starts == NULL || !read_exactly(spool, s->lengths, sizeof(int32_t) * (size_t)rows)) goto fail;
      int64_t total = 0;
      for (int64_t r = 0; r < rows; r++) {
        s->starts[r] = total;
        total += s->lengths[r];
      }
      s->bytes = malloc((size_t)total + 1);
      if (s->bytes == NULL || !read_exactly(spool, s->bytes, (size_t)total)) goto fail;
    } else {
      s->values = malloc(size * (size_t)rows + 1);
      if (s->values == NULL || !read_exactly(spool, s->values, size * (size_t)rows)) goto fail;
    }
  }
  *out = columns;
  return rows;
fail:
  free_spooled(columns, t->column_count);
  return -1;
}

/* Rows [first, first + count) of a batch as FITS row bytes. */
static void build_rows(const struct fits_writer* w, const struct fits_table* t, const struct spooled_column* columns,
                       const int64_t* offsets, int64_t row_bytes, int64_t first, int64_t count, uint8_t* out) {
  memset(out, 0, (size_t)(row_bytes * count));
  for (int64_t i = 0; i < t->column_count; i++) {
    const struct fits_column* c = &t->columns[i];
    const struct spooled_column* s = &columns[i];
    int64_t width = width_of(w, c);
    for (int64_t k = 0; k < count; k++) {
      int64_t r = first + k;
      uint8_t* cell = out + k * row_bytes + offsets[i];
      int present = s->valid[r];
      switch (c->kind) {
        case KIND_INT64: {
          int64_t value = present ? ((const int64_t*)s->values)[r] : c->null_value;
          put_be(cell, (uint64_t)value, 8);
          break;
        }
        case KIND_INT32: {
          int32_t value = present ? ((const int32_t*)s->values)[r] : (int32_t)c->null_value;
          put_be(cell, (uint32_t)value, 4);
          break;
        }
        case KIND_FLOAT64: {
          double value = ((const double*)s->values)[r];
          if (!present) value = __builtin_nan("");
          if (width == 4) {
            float narrow = (float)value;
            uint32_t bits;
            memcpy(&bits, &narrow, 4);
            put_be(cell, bits, 4);
          } else {
            uint64_t bits;
            memcpy(&bits, &value, 8);
            put_be(cell, bits, 8);
          }
          break;
        }
        case KIND_BOOL: {
          uint8_t value = ((const uint8_t*)s->values)[r];
          *cell = value == 2 ? 'T' : value == 1 ? 'F' : 0; /* 0: the FITS null */
          break;
        }
        case KIND_TEXT:
          /* A null is all NUL bytes (what astropy and STIL both read as null); a value is
           * padded with blanks. */
          if (present) {
            memcpy(cell, s->bytes + s->starts[r], (size_t)s->lengths[r]);
            memset(cell + s->lengths[r], ' ', (size_t)(width - s->lengths[r]));
          }
          break;
      }
    }
  }
}

static int32_t write_table(struct fits_writer* w, fitsfile* f, struct fits_table* t,
                           const struct FinkExportSinkKeyValue* provenance, int64_t count, struct FinkExportSinkError* error) {
  int status = 0;
  int64_t n = t->column_count;
  char** ttype = calloc((size_t)n + 1, sizeof *ttype);
  char** tform = calloc((size_t)n + 1, sizeof *tform);
  char** tunit = calloc((size_t)n + 1, sizeof *tunit);
  int64_t* offsets = calloc((size_t)n + 1, sizeof *offsets);
  char* extname = fits_escape_string(t->name);
  int32_t result = FINK_EXPORT_SINK_OK;
  if (ttype == NULL || tform == NULL || tunit == NULL || offsets == NULL || extname == NULL) {
    result = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "out of memory");
    goto done;
  }
  int64_t row_bytes = 0;
  for (int64_t i = 0; i < n; i++) {
    struct fits_column* c = &t->columns[i];
    ttype[i] = c->fits_name;
    tform[i] = malloc(24);
    if (tform[i] == NULL) { result = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "out of memory"); goto done; }
    tform_of(w, c, tform[i], 24);
    tunit[i] = c->unit != NULL && fits_unit_is_valid(c->unit) ? c->unit : "";
    offsets[i] = row_bytes;
    row_bytes += width_of(w, c);
  }
  fits_create_tbl(f, BINARY_TBL, 0, (int)n, ttype, tform, tunit, extname, &status);
  fits_write_key_longwarn(f, &status);
  if (status) { result = cfitsio_error(error, status, "creating the table"); goto done; }

  char key[FLEN_KEYWORD];
  for (int64_t i = 0; i < n && !status; i++) {
    struct fits_column* c = &t->columns[i];
    long long number = (long long)(i + 1);
    if ((c->kind == KIND_INT64 || c->kind == KIND_INT32) && c->nulls > 0) {
      snprintf(key, sizeof key, "TNULL%lld", number);
      LONGLONG null_value = c->null_value;
      fits_write_key(f, TLONGLONG, key, &null_value, "the value that stands for null", &status);
    }
    if (strcmp(c->fits_name, c->name) != 0) {
      snprintf(key, sizeof key, "ONAME%lld", number);
      write_text_key(f, key, c->name, "original column name", &status);
    }
    if (c->description != NULL) {
      snprintf(key, sizeof key, "TCOMM%lld", number);
      write_text_key(f, key, c->description, "", &status);
    }
    if (c->ucd != NULL) {
      snprintf(key, sizeof key, "TUCD%lld", number);
      write_text_key(f, key, c->ucd, "", &status);
    }
  }
  fits_write_key_str(f, "ESCAPE", "JSON", "text escapes: \\uXXXX, \\\\, \\n, \\t, \\r", &status);
  int64_t escaped = 0;
  for (int64_t i = 0; i < n; i++) escaped += t->columns[i].escaped;
  LONGLONG escaped_count = escaped;
  fits_write_key(f, TLONGLONG, "NESCAPED", &escaped_count, "text values written with escapes", &status);
  if (t->description != NULL) write_text_key(f, "HIERARCH FINK_EXPORT TABLE_DESCRIPTION", t->description, "", &status);
  char hierarch[FLEN_KEYWORD + 32];
  for (int64_t i = 0; i < count && !status; i++) {
    provenance_key(provenance[i].key, hierarch, sizeof hierarch);
    write_text_key(f, hierarch, provenance[i].value, "", &status);
  }
  fits_write_date(f, &status);
  if (status) { result = cfitsio_error(error, status, "writing the table's header"); goto done; }

  /* The rows, batch by batch from the spool, in chunks of about CHUNK_BYTES. */
  if (fseek(w->spool, (long)t->spool_start, SEEK_SET) != 0) {
    result = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "reading the scratch file failed: %s", strerror(errno));
    goto done;
  }
  int64_t chunk_rows = row_bytes > 0 ? CHUNK_BYTES / row_bytes : 1;
  if (chunk_rows < 1) chunk_rows = 1;
  uint8_t* chunk = NULL;
  int64_t next_row = 1;
  while (next_row <= t->rows) {
    struct spooled_column* columns = NULL;
    int64_t rows = read_batch(w->spool, t, &columns);
    if (rows < 0) {
      free(chunk);
      result = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "reading the scratch file back failed");
      goto done;
    }
    if (chunk == NULL) chunk = malloc((size_t)(chunk_rows * row_bytes) + 1);
    if (chunk == NULL) {
      free_spooled(columns, n);
      result = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "out of memory");
      goto done;
    }
    for (int64_t first = 0; first < rows && !status; first += chunk_rows) {
      int64_t take = rows - first < chunk_rows ? rows - first : chunk_rows;
      build_rows(w, t, columns, offsets, row_bytes, first, take, chunk);
      fits_write_tblbytes(f, next_row, 1, take * row_bytes, chunk, &status);
      next_row += take;
    }
    free_spooled(columns, n);
    if (status) break;
  }
  free(chunk);
  fits_write_chksum(f, &status);
  if (status) result = cfitsio_error(error, status, "writing the table's rows");
done:
  for (int64_t i = 0; tform != NULL && i < n; i++) free(tform[i]);
  free(ttype);
  free(tform);
  free(tunit);
  free(offsets);
  free(extname);
  return result;
}

int32_t fits_write_file(struct fits_writer* w, const char* path, const struct FinkExportSinkKeyValue* provenance,
                        int64_t count, struct FinkExportSinkError* error) {
  pthread_mutex_lock(&cfitsio_lock);
  fits_clear_errmsg();
  int status = 0;
  fitsfile* f = NULL;
  int32_t result = FINK_EXPORT_SINK_OK;
  /* The disk-file call: no extended file-name syntax is read into the path. */
  fits_create_diskfile(&f, (char*)path, &status);
  if (status) {
    result = cfitsio_error(error, status, "creating the file");
    goto unlock;
  }
  fits_create_img(f, BYTE_IMG, 0, NULL, &status);
  fits_write_date(f, &status);
  fits_write_chksum(f, &status);
  if (status) result = cfitsio_error(error, status, "writing the primary header");
  for (int i = 0; i < w->table_count && result == FINK_EXPORT_SINK_OK; i++) {
    result = write_table(w, f, &w->tables[i], provenance, count, error);
  }
  status = 0;
  fits_close_file(f, &status);
  if (status && result == FINK_EXPORT_SINK_OK) result = cfitsio_error(error, status, "closing the file");
unlock:
  pthread_mutex_unlock(&cfitsio_lock);
  return result;
}
