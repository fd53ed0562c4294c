/*
 * A template fink-export sink plugin: writes each table as tab-separated text (.tsv).
 *
 * Copy this file to start a plugin of your own; every callback of fink_export_sink.h is here,
 * each with what it must do. Build it with the system C compiler, no library needed:
 *
 *     cc -shared -fPIC -O2 -I <dir of fink_export_sink.h> template_sink.c \
 *        -o libfink-export-sink-template.so
 *
 * and put the library in a directory of FINK_EXPORT_PLUGIN_PATH. Then
 * `fink-export formats` lists "template-tsv", and `--format template-tsv` or an output
 * named *.tsv writes through it.
 *
 * Column metadata (unit, UCD, description, role) arrives in each child schema's metadata;
 * this format has no place for it. Plugins/FITSSink reads it.
 *
 * The text: one header line of column names (unless header=false), then one line per row,
 * values separated by tabs; a null is \N (as PostgreSQL and MySQL write it), so it differs
 * from an empty string; a backslash, tab, newline or carriage return inside text is written
 * as \\, \t, \n or \r, so every row stays on one line.
 */
#include "fink_export_sink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

/* What one output file needs between calls. Keep state here, never in globals: two
 * writers may run on two threads at once. */
struct template_writer {
  FILE* file;
  int header;             /* the header option */
  int tables;             /* tables begun, since this format holds one per file */
  int64_t columns;
  char** formats;         /* the Arrow format of each column, copied from the schema */
};

static const char* const extensions[] = {"tsv", NULL};
static const char* const no_compression[] = {NULL};
static const struct FinkExportSinkOption options[] = {
    {.name = "header", .kind = FINK_EXPORT_SINK_OPTION_BOOL, .default_value = "true",
     .help = "start with a line of column names"},
};

/* An output error naming the file and errno. */
static int32_t io_error(struct FinkExportSinkError* error, const char* action) {
  return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "%s failed: %s", action, strerror(errno));
}

static int32_t template_open(const struct FinkExportSinkOpenArgs* args, void** out,
                             struct FinkExportSinkError* error) {
  struct template_writer* w = calloc(1, sizeof *w);
  if (w == NULL) return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_OUTPUT, "out of memory");
  *out = w; /* set at once: the host calls destroy on it even if the rest fails */
  const char* header = fink_export_sink_lookup(args->options, args->option_count, "header");
  w->header = header == NULL || strcmp(header, "true") == 0;
  /* Write only to the staged path; the host renames it when the export succeeds. */
  w->file = fopen(args->staging_path, "wx");
  if (w->file == NULL) return io_error(error, "creating the file");
  return FINK_EXPORT_SINK_OK;
}

/* Text with \, tab, newline and carriage return escaped. */
static void write_text(FILE* f, const char* bytes, int32_t length) {
  for (int32_t i = 0; i < length; i++) {
    switch (bytes[i]) {
      case '\\': fputs("\\\\", f); break;
      case '\t': fputs("\\t", f); break;
      case '\n': fputs("\\n", f); break;
      case '\r': fputs("\\r", f); break;
      default: fputc(bytes[i], f);
    }
  }
}

static int32_t template_begin_table(void* writer, struct ArrowSchema* schema, struct FinkExportSinkError* error) {
  struct template_writer* w = writer;
  int32_t status = FINK_EXPORT_SINK_OK;
  if (w->tables++ > 0) {
    status = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_USAGE,
                                        "a TSV file holds one table; %s is a second", schema->name);
    goto done;
  }
  w->columns = schema->n_children;
  w->formats = calloc((size_t)w->columns, sizeof *w->formats);
  for (int64_t c = 0; c < w->columns; c++) {
    const char* format = schema->children[c]->format;
    /* Refuse what this plugin does not know: later hosts may send new formats. */
    if (strcmp(format, "l") && strcmp(format, "i") && strcmp(format, "g") && strcmp(format, "b") && strcmp(format, "u")) {
      status = fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_USAGE,
                                          "column %s has Arrow format %s, which this plugin does not write",
                                          schema->children[c]->name, format);
      goto done;
    }
    w->formats[c] = strdup(format);
  }
  if (w->header) {
    for (int64_t c = 0; c < w->columns; c++) {
      const char* name = schema->children[c]->name;
      if (c > 0) fputc('\t', w->file);
      write_text(w->file, name, (int32_t)strlen(name));
    }
    fputc('\n', w->file);
  }
  if (ferror(w->file)) status = io_error(error, "writing the header");
done:
  /* The schema is ours now: release it once, whatever happened (the names are copied). */
  schema->release(schema);
  return status;
}

/* Whether row i of a column is present (no bitmap means no nulls). */
static int is_valid(const struct ArrowArray* column, int64_t i) {
  const uint8_t* validity = column->buffers[0];
  return validity == NULL || (validity[i / 8] >> (i % 8)) & 1;
}

static int32_t template_write_batch(void* writer, struct ArrowArray* batch, struct FinkExportSinkError* error) {
  struct template_writer* w = writer;
  for (int64_t row = 0; row < batch->length; row++) {
    for (int64_t c = 0; c < w->columns; c++) {
      const struct ArrowArray* column = batch->children[c];
      if (c > 0) fputc('\t', w->file);
      if (!is_valid(column, row)) {
        fputs("\\N", w->file);
        continue;
      }
      switch (w->formats[c][0]) {
        case 'l': fprintf(w->file, "%" PRId64, ((const int64_t*)column->buffers[1])[row]); break;
        case 'i': fprintf(w->file, "%" PRId32, ((const int32_t*)column->buffers[1])[row]); break;
        /* %.17g reads back as the same double. */
        case 'g': fprintf(w->file, "%.17g", ((const double*)column->buffers[1])[row]); break;
        case 'b': fputs((((const uint8_t*)column->buffers[1])[row / 8] >> (row % 8)) & 1 ? "true" : "false", w->file); break;
        case 'u': {
          const int32_t* offsets = column->buffers[1];
          write_text(w->file, (const char*)column->buffers[2] + offsets[row], offsets[row + 1] - offsets[row]);
          break;
        }
      }
    }
    fputc('\n', w->file);
  }
  batch->release(batch);
  if (ferror(w->file)) return io_error(error, "writing rows");
  return FINK_EXPORT_SINK_OK;
}

static int32_t template_end_table(void* writer, struct FinkExportSinkTableReport* report,
                                  struct FinkExportSinkError* error) {
  (void)writer; (void)report; (void)error;
  /* Every value is held exactly: nothing to count as null, no warning. */
  return FINK_EXPORT_SINK_OK;
}

static int32_t template_finish(void* writer, const struct FinkExportSinkKeyValue* provenance, int64_t count,
                               struct FinkExportSinkError* error) {
  struct template_writer* w = writer;
  (void)provenance; (void)count; /* TSV has no place for metadata; a real format stores it. */
  int failed = fflush(w->file) != 0 || ferror(w->file);
  int closed = fclose(w->file);
  w->file = NULL;
  if (failed || closed != 0) return io_error(error, "closing the file");
  return FINK_EXPORT_SINK_OK;
}

static void template_destroy(void* writer) {
  struct template_writer* w = writer;
  if (w->file != NULL) fclose(w->file); /* after a failure: the host removes the file */
  for (int64_t c = 0; w->formats != NULL && c < w->columns; c++) free(w->formats[c]);
  free(w->formats);
  free(w);
}

int32_t fink_export_sink_init(uint32_t host_abi_version, struct FinkExportSinkDescription* d,
                              struct FinkExportSinkError* error) {
  /* First, say which header this plugin was built with. */
  d->abi_version = FINK_EXPORT_SINK_ABI_VERSION;
  d->struct_size = sizeof *d;
  if (host_abi_version < FINK_EXPORT_SINK_ABI_VERSION) {
    return fink_export_sink_set_error(error, FINK_EXPORT_SINK_ERROR_ABI_VERSION, "needs a newer fink-export");
  }
  d->name = "template-tsv";
  d->title = "Tab-separated text (template plugin)";
  d->extensions = extensions;
  d->tables_per_file = 1;
  d->supports_append = 0;
  d->compression = no_compression;
  d->options = options;
  d->option_count = sizeof options / sizeof options[0];
  d->open = template_open;
  d->begin_table = template_begin_table;
  d->write_batch = template_write_batch;
  d->end_table = template_end_table;
  d->finish = template_finish;
  d->destroy = template_destroy;
  return FINK_EXPORT_SINK_OK;
}
