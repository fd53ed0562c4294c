/* Batches go to a scratch file as they arrive: FITS fixes each string column's width in the
 * header, and the width is the longest value of the whole table, known only at its end.
 * Per batch: int64 rows, then per column a byte per row (1 present, 0 null) and the values
 * (int64, int32, double, a byte per boolean; text as int32 escaped lengths then the escaped
 * bytes). Spooling also gathers what the header needs: nulls, widths, free TNULLn values. */
#include "fits_plugin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int32_t spool_error(struct FinkExportSinkError* error) {
  return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT,
                                    "writing the scratch file in the output's directory failed: %s", strerror(errno));
}

static int put(struct fits_writer* w, const void* bytes, size_t count) {
  if (count == 0) return 1;
  if (fwrite(bytes, 1, count, w->spool) != count) return 0;
  w->spool_size += (int64_t)count;
  return 1;
}

static int is_valid(const struct ArrowArray* column, int64_t row) {
  const uint8_t* validity = column->buffers[0];
  return validity == NULL || ((validity[row >> 3] >> (row & 7)) & 1);
}

/* Notes which of the type's 64 lowest and 64 highest values occur (TNULLn candidates). */
static void note_extremes(struct fits_column* c, int64_t value) {
  int64_t lowest = c->kind == KIND_INT32 ? INT32_MIN : INT64_MIN;
  int64_t highest = c->kind == KIND_INT32 ? INT32_MAX : INT64_MAX;
  if (value <= lowest + 63) c->low_values |= UINT64_C(1) << (value - lowest);
  if (value == lowest) c->lowest_count++;
  if (value >= highest - 63) c->high_values |= UINT64_C(1) << (highest - value);
}

void fits_choose_null_values(struct fits_table* t) {
  for (int64_t i = 0; i < t->column_count; i++) {
    struct fits_column* c = &t->columns[i];
    if (c->kind != KIND_INT64 && c->kind != KIND_INT32) continue;
    int64_t lowest = c->kind == KIND_INT32 ? INT32_MIN : INT64_MIN;
    int64_t highest = c->kind == KIND_INT32 ? INT32_MAX : INT64_MAX;
    c->null_value = lowest;
    c->null_clashes = 0;
    int found = 0;
    for (int k = 0; k < 64 && !found; k++) {
      if (!((c->low_values >> k) & 1)) { c->null_value = lowest + k; found = 1; }
    }
    for (int k = 0; k < 64 && !found; k++) {
      if (!((c->high_values >> k) & 1)) { c->null_value = highest - k; found = 1; }
    }
    /* All 128 occur: the lowest value stands for null, and its rows are counted as null. */
    if (!found) c->null_clashes = c->lowest_count;
  }
}

int32_t fits_spool_batch(struct fits_writer* w, struct fits_table* t, const struct ArrowArray* batch,
                         struct FinkExportSinkError* error) {
  int64_t rows = batch->length;
  if (batch->n_children != t->column_count || batch->offset != 0) {
    return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT,
                                      "a batch of %lld columns at offset %lld for a table of %lld columns",
                                      (long long)batch->n_children, (long long)batch->offset, (long long)t->column_count);
  }
  uint8_t* valid = malloc((size_t)rows + 1);
  if (valid == NULL) return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "out of memory");
  int32_t status = FINK_EXPORT_SINK_OK;
  if (!put(w, &rows, sizeof rows)) { status = spool_error(error); goto done; }
  for (int64_t i = 0; i < t->column_count; i++) {
    struct fits_column* c = &t->columns[i];
    const struct ArrowArray* column = batch->children[i];
    if (column->length != rows || column->offset != 0) {
      status = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "column %s has %lld rows in a batch of %lld",
                                          c->name, (long long)column->length, (long long)rows);
      goto done;
    }
    for (int64_t r = 0; r < rows; r++) valid[r] = (uint8_t)is_valid(column, r);
    if (c->kind == KIND_TEXT) {
      /* An empty string reads as null in every FITS reader: write it as one, and count it. */
      const int32_t* offsets = column->buffers[1];
      for (int64_t r = 0; r < rows; r++) {
        if (valid[r] && offsets[r + 1] == offsets[r]) { valid[r] = 0; c->empty_as_null++; }
      }
    }
    for (int64_t r = 0; r < rows; r++) c->nulls += !valid[r];
    if (!put(w, valid, (size_t)rows)) { status = spool_error(error); goto done; }

    switch (c->kind) {
      case KIND_INT64:
      case KIND_INT32: {
        size_t size = c->kind == KIND_INT64 ? 8 : 4;
        for (int64_t r = 0; r < rows; r++) {
          if (!valid[r]) continue;
          int64_t value = c->kind == KIND_INT64 ? ((const int64_t*)column->buffers[1])[r] : ((const int32_t*)column->buffers[1])[r];
          note_extremes(c, value);
        }
        if (!put(w, column->buffers[1], size * (size_t)rows)) { status = spool_error(error); goto done; }
        break;
      }
      case KIND_FLOAT64:
        if (!put(w, column->buffers[1], 8 * (size_t)rows)) { status = spool_error(error); goto done; }
        break;
      case KIND_BOOL: {
        const uint8_t* bits = column->buffers[1];
        for (int64_t r = 0; r < rows; r++) valid[r] = valid[r] ? (uint8_t)(1 + ((bits[r >> 3] >> (r & 7)) & 1)) : 0;
        /* Rewritten in place: 0 null, 1 false, 2 true (the validity byte already went out). */
        if (!put(w, valid, (size_t)rows)) { status = spool_error(error); goto done; }
        break;
      }
      case KIND_TEXT: {
        const int32_t* offsets = column->buffers[1];
        const char* bytes = column->buffers[2];
        int64_t total = offsets[rows] - offsets[0];
        char* escaped = malloc((size_t)total * 6 + 7);
        int32_t* lengths = malloc(sizeof(int32_t) * (size_t)(rows + 1));
        if (escaped == NULL || lengths == NULL) {
          free(escaped);
          free(lengths);
          status = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "out of memory");
          goto done;
        }
        int64_t used = 0;
        for (int64_t r = 0; r < rows; r++) {
          if (!valid[r]) { lengths[r] = 0; continue; }
          int changed = 0;
          int64_t length = fits_escape(bytes + offsets[r], offsets[r + 1] - offsets[r], escaped + used, &changed);
          lengths[r] = (int32_t)length;
          used += length;
          c->escaped += changed;
          if (length > c->width) c->width = length;
        }
        int ok = put(w, lengths, sizeof(int32_t) * (size_t)rows) && put(w, escaped, (size_t)used);
        free(escaped);
        free(lengths);
        if (!ok) { status = spool_error(error); goto done; }
        break;
      }
    }
  }
  t->rows += rows;
done:
  free(valid);
  return status;
}
