/* The FITS sink plugin: FITS binary tables written with cfitsio, one BINTABLE per exported
 * table, through the fink-export sink ABI (fink_export_sink.h). Batches are spooled to the
 * scratch directory (fits_spool.c) and the file is written at finish (fits_table.c), when
 * every string width, integer null and the provenance are known. */
#include "fits_plugin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const char* const extensions[] = {"fits.gz", "fits", "fit", NULL};
static const char* const compression_methods[] = {"gzip", NULL};
static const char* const compression_choices[] = {"auto", "none", "gzip", NULL};
static const char* const float_choices[] = {"float64", "float32", NULL};
static const struct FinkExportSinkOption options[] = {
    {.name = "compression", .kind = FINK_EXPORT_SINK_OPTION_CHOICE, .choices = compression_choices,
     .default_value = "auto", .help = "gzip the file; auto compresses when the file name ends in .gz"},
    {.name = "floats", .kind = FINK_EXPORT_SINK_OPTION_CHOICE, .choices = float_choices, .default_value = "float64",
     .help = "store 32-bit source columns as float64 (D, exact values) or float32 (E, half the size)"},
};

static int32_t out_of_memory(struct FinkExportSinkError* error) {
  return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "out of memory");
}

static int ends_with(const char* text, const char* suffix) {
  size_t a = strlen(text), b = strlen(suffix);
  return a >= b && strcmp(text + a - b, suffix) == 0;
}

static const char* fits_file_extension(const struct FinkExportSinkKeyValue* options, int64_t count) {
  const char* compression = fink_export_sink_lookup(options, count, "compression");
  return compression != NULL && strcmp(compression, "gzip") == 0 ? "fits.gz" : "fits";
}

static int32_t fits_open(const struct FinkExportSinkOpenArgs* args, void** out, struct FinkExportSinkError* error) {
  struct fits_writer* w = calloc(1, sizeof *w);
  if (w == NULL) return out_of_memory(error);
  *out = w;
  const char* compression = fink_export_sink_lookup(args->options, args->option_count, "compression");
  const char* floats = fink_export_sink_lookup(args->options, args->option_count, "floats");
  w->gzip = compression != NULL && (strcmp(compression, "gzip") == 0 ||
                                    (strcmp(compression, "auto") == 0 && ends_with(args->final_path, ".gz")));
  w->float32 = floats != NULL && strcmp(floats, "float32") == 0;
  w->staging_path = strdup(args->staging_path);
  size_t room = strlen(args->scratch_directory) + 32;
  w->spool_path = malloc(room);
  if (w->staging_path == NULL || w->spool_path == NULL) return out_of_memory(error);
  snprintf(w->spool_path, room, "%s/rows.spool", args->scratch_directory);
  /* Created now, beside the output: a directory that cannot be written fails before any
   * data is fetched. */
  w->spool = fopen(w->spool_path, "w+b");
  if (w->spool == NULL) {
    return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "cannot create a scratch file beside the output: %s",
                                      strerror(errno));
  }
  setvbuf(w->spool, NULL, _IOFBF, 1 << 20);
  return FINK_EXPORT_SINK_OK;
}

static enum column_kind kind_of(const char* format, int* known) {
  *known = 1;
  if (strcmp(format, "l") == 0) return KIND_INT64;
  if (strcmp(format, "i") == 0) return KIND_INT32;
  if (strcmp(format, "g") == 0) return KIND_FLOAT64;
  if (strcmp(format, "b") == 0) return KIND_BOOL;
  if (strcmp(format, "u") == 0) return KIND_TEXT;
  *known = 0;
  return KIND_TEXT;
}

static int32_t fits_begin_table(void* writer, struct ArrowSchema* schema, struct FinkExportSinkError* error) {
  struct fits_writer* w = writer;
  int32_t status = FINK_EXPORT_SINK_OK;
  if (schema->n_children > FITS_MAX_COLUMNS) {
    status = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_USAGE, "a FITS table holds at most %d columns; %s has %lld",
                                        FITS_MAX_COLUMNS, schema->name, (long long)schema->n_children);
    goto release;
  }
  struct fits_table* grown = realloc(w->tables, sizeof *grown * (size_t)(w->table_count + 1));
  if (grown == NULL) { status = out_of_memory(error); goto release; }
  w->tables = grown;
  struct fits_table* t = &w->tables[w->table_count++];
  memset(t, 0, sizeof *t);
  w->table_open = 1;
  t->name = strdup(schema->name != NULL ? schema->name : "");
  t->description = fits_metadata_value(schema->metadata, "fink_export.description");
  t->columns = calloc((size_t)schema->n_children + 1, sizeof *t->columns);
  if (t->name == NULL || t->columns == NULL) { status = out_of_memory(error); goto release; }
  t->column_count = schema->n_children;
  fflush(w->spool);
  t->spool_start = w->spool_size;
  for (int64_t i = 0; i < t->column_count; i++) {
    const struct ArrowSchema* child = schema->children[i];
    struct fits_column* c = &t->columns[i];
    int known;
    c->kind = kind_of(child->format, &known);
    c->name = strdup(child->name != NULL ? child->name : "");
    if (c->name == NULL) { status = out_of_memory(error); goto release; }
    if (!known) {
      status = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_USAGE,
                                          "column %s has Arrow format \"%s\", which the FITS plugin does not write", c->name, child->format);
      goto release;
    }
    char* bits = fits_metadata_value(child->metadata, "fink_export.bit_width");
    c->bit_width = bits != NULL ? atoi(bits) : 64;
    free(bits);
    c->unit = fits_metadata_value(child->metadata, "fink_export.unit");
    c->ucd = fits_metadata_value(child->metadata, "fink_export.ucd");
    c->description = fits_metadata_value(child->metadata, "fink_export.description");
  }
  if (fits_map_names(t->columns, t->column_count) != 0) status = out_of_memory(error);
release:
  schema->release(schema);
  return status;
}

static int32_t fits_write_batch(void* writer, struct ArrowArray* batch, struct FinkExportSinkError* error) {
  struct fits_writer* w = writer;
  int32_t status = w->table_open
      ? fits_spool_batch(w, &w->tables[w->table_count - 1], batch, error)
      : fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "a batch outside a table");
  batch->release(batch);
  return status;
}

static int32_t fits_end_table(void* writer, struct FinkExportSinkTableReport* report, struct FinkExportSinkError* error) {
  struct fits_writer* w = writer;
  if (!w->table_open) return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "end_table without a table");
  w->table_open = 0;
  struct fits_table* t = &w->tables[w->table_count - 1];
  if (fflush(w->spool) != 0) {
    return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "writing the scratch file failed: %s", strerror(errno));
  }
  fits_choose_null_values(t);
  int64_t escaped = 0, escaped_columns = 0;
  for (int64_t i = 0; i < t->column_count; i++) {
    struct fits_column* c = &t->columns[i];
    if (i < report->column_count) report->unrepresentable_as_null[i] = c->empty_as_null + c->null_clashes;
    escaped += c->escaped;
    escaped_columns += c->escaped > 0;
    if (c->unit != NULL && !fits_unit_is_valid(c->unit)) {
      fink_export_sink_add_warning(report, "the unit \"%s\" of %s is not in FITS syntax: left out of TUNITn (the provenance keeps it)",
                                   c->unit, c->fits_name);
    }
  }
  if (escaped > 0) {
    fink_export_sink_add_warning(report, "%lld text values in %lld columns hold characters FITS text cannot (outside printable ASCII, "
                                 "or a backslash): written with JSON escapes, as the ESCAPE keyword says",
                                 (long long)escaped, (long long)escaped_columns);
  }
  return FINK_EXPORT_SINK_OK;
}

/* Compresses the finished plain FITS file at plain into a gzip file at path. */
static int32_t gzip_file(const char* plain, const char* path, struct FinkExportSinkError* error) {
  FILE* in = fopen(plain, "rb");
  if (in == NULL) return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "reopening the FITS file: %s", strerror(errno));
  gzFile out = gzopen(path, "wb6");
  if (out == NULL) {
    fclose(in);
    return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "creating the file: %s", strerror(errno));
  }
  char buffer[1 << 16];
  size_t count;
  int failed = 0;
  while (!failed && (count = fread(buffer, 1, sizeof buffer, in)) > 0) {
    failed = gzwrite(out, buffer, (unsigned)count) != (int)count;
  }
  failed = failed || ferror(in);
  int saved = errno;
  fclose(in);
  int closed = gzclose(out);
  if (failed || closed != Z_OK) {
    return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "compressing the file failed: %s",
                                      saved != 0 ? strerror(saved) : "zlib error");
  }
  return FINK_EXPORT_SINK_OK;
}

static int32_t fits_finish(void* writer, const struct FinkExportSinkKeyValue* provenance, int64_t count,
                           struct FinkExportSinkError* error) {
  struct fits_writer* w = writer;
  if (fflush(w->spool) != 0) {
    return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "writing the scratch file failed: %s", strerror(errno));
  }
  if (!w->gzip) return fits_write_file(w, w->staging_path, provenance, count, error);
  size_t room = strlen(w->spool_path) + 16;
  char* plain = malloc(room);
  if (plain == NULL) return out_of_memory(error);
  snprintf(plain, room, "%s.fits", w->spool_path);
  int32_t status = fits_write_file(w, plain, provenance, count, error);
  if (status == FINK_EXPORT_SINK_OK) status = gzip_file(plain, w->staging_path, error);
  remove(plain);
  free(plain);
  return status;
}

static void fits_destroy(void* writer) {
  struct fits_writer* w = writer;
  if (w->spool != NULL) fclose(w->spool);
  for (int i = 0; i < w->table_count; i++) {
    struct fits_table* t = &w->tables[i];
    for (int64_t k = 0; t->columns != NULL && k < t->column_count; k++) {
      struct fits_column* c = &t->columns[k];
      free(c->name);
      free(c->fits_name);
      free(c->unit);
      free(c->ucd);
      free(c->description);
    }
    free(t->columns);
    free(t->name);
    free(t->description);
  }
  free(w->tables);
  free(w->staging_path);
  free(w->spool_path);
  free(w);
}

int32_t fink_export_sink_init(uint32_t host_abi_version, struct FinkExportSinkDescription* d, struct FinkExportSinkError* error) {
  d->abi_version = FINK_EXPORT_SINK_ABI_VERSION;
  d->struct_size = sizeof *d;
  if (host_abi_version < FINK_EXPORT_SINK_ABI_VERSION) {
    return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_ABI_VERSION, "the FITS plugin needs sink ABI 1.0");
  }
  d->name = "fits";
  d->title = "FITS binary tables (cfitsio plugin)";
  d->extensions = extensions;
  d->tables_per_file = 0;
  d->compression = compression_methods;
  d->options = options;
  d->option_count = sizeof options / sizeof options[0];
  d->file_extension = fits_file_extension;
  d->open = fits_open;
  d->begin_table = fits_begin_table;
  d->write_batch = fits_write_batch;
  d->end_table = fits_end_table;
  d->finish = fits_finish;
  d->destroy = fits_destroy;
  return FINK_EXPORT_SINK_OK;
}
