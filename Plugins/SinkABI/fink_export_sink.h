/*
 * fink_export_sink.h: the C ABI of fink-export sink plugins, version 1.0.
 *
 * A sink plugin is a shared library that writes exported tables in one file format. This
 * header is all a plugin author needs; nothing else of fink-export crosses the boundary
 * (Swift has no stable ABI on Linux), so a plugin can be written in C, C++, Rust or Swift.
 *
 * Finding. fink-export loads every file named libfink-export-sink-<anything>.so found in each
 * directory of FINK_EXPORT_PLUGIN_PATH (colon-separated), then in the directory of the
 * fink-export executable and in ../lib/fink-export/plugins from it, with
 * dlopen(RTLD_NOW | RTLD_LOCAL). It never unloads a plugin.
 *
 * Initialising. It then calls the one exported entry point:
 *
 *     int32_t fink_export_sink_init(uint32_t host_abi_version,
 *                                   struct FinkExportSinkDescription *description,
 *                                   struct FinkExportSinkError *error);
 *
 * The plugin must:
 *   1. set description->abi_version to FINK_EXPORT_SINK_ABI_VERSION (the version of the
 *      header it was built with) and description->struct_size to
 *      sizeof(struct FinkExportSinkDescription) (as its header defines it), first;
 *   2. if host_abi_version is older than the version it needs, return
 *      FINK_EXPORT_SINK_ERROR_ABI_VERSION (the host then says which versions disagree);
 *   3. otherwise fill the rest of the description and return FINK_EXPORT_SINK_OK.
 * The host zeroes the description and gives room for its own version's struct; a plugin
 * built with the same or an older header writes no more than that. Versions evolve by
 * appending members only: a newer host reads no member past the plugin's struct_size and
 * treats the missing ones as absent, so an older plugin keeps working; a plugin newer than
 * the host is refused with a message naming both versions.
 *
 * Writing. For each output file the host calls, on one thread and in this order:
 *     open → (begin_table → write_batch … → end_table) per table → finish → destroy
 * destroy is also called after any failure, and after a failed open whenever open had set
 * *writer (never with NULL). Different writers (files) may be called from different threads at
 * the same time, so a plugin keeps its state in the writer, not in globals.
 *
 * A plugin must:
 *   - write only to args->staging_path (and inside args->scratch_directory, which the host
 *     removes afterwards); never rename or remove the staged file, print, or exit: the host
 *     renames the staged file to its final name once the whole export succeeded, and
 *     removes it after any failure;
 *   - hold every value exactly, or count a value it writes as null in its table report
 *     (unrepresentable_as_null), or fail with FINK_EXPORT_SINK_ERROR_DATA;
 *   - refuse, in begin_table, a column name it cannot hold with FINK_EXPORT_SINK_ERROR_USAGE;
 *     and a second table when it declared tables_per_file = 1;
 *   - release every ArrowSchema and ArrowArray it receives (see "Batches").
 *
 * Errors. Every call that can fail returns FINK_EXPORT_SINK_OK or an error code, and on error
 * writes one line of UTF-8 into the host's buffer error->message (capacity bytes, NUL
 * included; fink_export_sink_set_error below does it). The host owns that buffer: nothing is
 * freed across allocators. The host prefixes the output's path and turns the code into its
 * usual exit status (usage 64, data 65, output 73).
 *
 * Batches. Tables and batches cross as the Apache Arrow C Data Interface, exactly as its
 * specification says (the structs below are copied from it):
 *   - begin_table receives an ArrowSchema of format "+s" (a struct: the table), named after
 *     the table, whose children are the columns in order. Column formats: "l" int64,
 *     "i" int32, "g" float64, "b" boolean, "u" utf8 (int32 offsets); other formats may be
 *     added by later versions, so refuse what you do not know. Every child has
 *     ARROW_FLAG_NULLABLE set.
 *   - write_batch receives an ArrowArray of the same "+s" shape: length rows (at least 1),
 *     offset 0, no top-level nulls, one child per column with its validity bitmap (NULL when
 *     the column has no null in the batch; bit i of byte i/8, 1 = present) and its values.
 *     A missing float value also holds NaN; a missing value of another type holds a
 *     placeholder that must not be read.
 *   - Ownership moves to the plugin with each call: it must call schema->release(schema) or
 *     batch->release(batch) exactly once, when it no longer needs what they point to (before
 *     returning, or later, even after destroy), and never release the children. Copy what
 *     you keep: the buffers are freed by release.
 *   - Metadata (Arrow's encoding: int32 count, then per pair int32 key length, key bytes,
 *     int32 value length, value bytes, native byte order) carries, on the table schema:
 *       fink_export.description   what the table holds
 *     and on each column, when known:
 *       fink_export.type          the Fink type: double, float, long, int, bool, string, array
 *       fink_export.bit_width     32 or 64 for numbers: a "float" column is sent as float64
 *                                 holding the exact value received, and may be stored in
 *                                 32 bits when the plugin's options ask for it
 *       fink_export.unit          the unit, in VOUnit syntax
 *       fink_export.ucd           the UCD1+ word list
 *       fink_export.description   a one-line description
 *       fink_export.role          objectId, alertId, observationTime, classLabel,
 *                                 anomalyScore or rowKind (more may be added)
 *   - finish receives the provenance (how the export was made) as key/value pairs of UTF-8
 *     text: tool, tool_version, source, exported_at, request bodies, row counts, and
 *     "provenance", the whole record as JSON. Store them as the format keeps metadata.
 */
#ifndef FINK_EXPORT_SINK_H
#define FINK_EXPORT_SINK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The Apache Arrow C Data Interface, copied from its specification as it asks. ---- */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  // Array type description
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  // Release callback
  void (*release)(struct ArrowSchema*);
  // Opaque producer-specific data
  void* private_data;
};

struct ArrowArray {
  // Array data description
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  // Release callback
  void (*release)(struct ArrowArray*);
  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

/* ---- Versions: MAJOR * 1000000 + MINOR * 1000. ---- */
#define FINK_EXPORT_SINK_ABI_VERSION_1_0 1000000u
#define FINK_EXPORT_SINK_ABI_VERSION FINK_EXPORT_SINK_ABI_VERSION_1_0

/* ---- Status codes returned by every call that can fail. ---- */
#define FINK_EXPORT_SINK_OK 0
/* The request cannot work: options that do not go together, a column name or a second table
 * the format cannot hold. */
#define FINK_EXPORT_SINK_ERROR_USAGE 1
/* A value the format can neither hold nor write as null. */
#define FINK_EXPORT_SINK_ERROR_DATA 2
/* The output could not be created or written (disk full, permissions, a library failure). */
#define FINK_EXPORT_SINK_ERROR_OUTPUT 3
/* fink_export_sink_init: the host's ABI version is older than the plugin needs. */
#define FINK_EXPORT_SINK_ERROR_ABI_VERSION 4

/* Where a plugin writes its one-line error message (owned by the host). */
struct FinkExportSinkError {
  char* message;   /* capacity bytes; write a NUL-terminated UTF-8 line */
  size_t capacity;
};

/* Writes a printf-style message into error (truncated to its capacity) and returns code. */
static inline int32_t fink_export_sink_set_error(struct FinkExportSinkError* error, int32_t code,
                                                 const char* format, ...) {
  if (error != NULL && error->message != NULL && error->capacity > 0) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error->message, error->capacity, format, arguments);
    va_end(arguments);
  }
  return code;
}

/* A key/value pair of NUL-terminated UTF-8 text (options, provenance). */
struct FinkExportSinkKeyValue {
  const char* key;
  const char* value;
};

/* Returns the value of key in pairs, or NULL. */
static inline const char* fink_export_sink_lookup(const struct FinkExportSinkKeyValue* pairs,
                                                  int64_t count, const char* key) {
  for (int64_t i = 0; i < count; i++) {
    if (strcmp(pairs[i].key, key) == 0) return pairs[i].value;
  }
  return NULL;
}

/* The kinds of option value, as `fink-export formats` lists them. */
#define FINK_EXPORT_SINK_OPTION_BOOL 1    /* "true" or "false" */
#define FINK_EXPORT_SINK_OPTION_INTEGER 2 /* an integer from minimum to maximum */
#define FINK_EXPORT_SINK_OPTION_CHOICE 3  /* one of choices */

/* One option the format accepts, given on the command line as --option name=value. This
 * struct is frozen: later versions add members to the description, never here. */
struct FinkExportSinkOption {
  const char* name;
  int32_t kind;
  int64_t minimum;             /* FINK_EXPORT_SINK_OPTION_INTEGER */
  int64_t maximum;             /* FINK_EXPORT_SINK_OPTION_INTEGER */
  const char* const* choices;  /* FINK_EXPORT_SINK_OPTION_CHOICE: NULL-terminated */
  const char* default_value;   /* as text */
  const char* help;            /* one line */
};

/* What open receives. Filled by the host; read only members within struct_size. */
struct FinkExportSinkOpenArgs {
  size_t struct_size;
  /* The file to create and write: a temporary name in the final file's directory. */
  const char* staging_path;
  /* The name the file will have once the export succeeded (for messages). */
  const char* final_path;
  /* An empty directory for temporary files; the host removes it, with what it holds, after
   * finish or after a failure. */
  const char* scratch_directory;
  /* Every declared option, checked against its kind, defaults filled in. */
  const struct FinkExportSinkKeyValue* options;
  int64_t option_count;
};

/* What end_table reports. The host owns every buffer here and zeroes them. */
struct FinkExportSinkTableReport {
  size_t struct_size;
  /* By column (schema order): values of this table written as null because the format
   * cannot hold them. */
  int64_t* unrepresentable_as_null;
  int64_t column_count;
  /* Lines the user should know about, separated by '\n' (fink_export_sink_add_warning). */
  char* warnings;
  size_t warnings_capacity;
};

/* Appends one printf-style warning line to report (dropped when the buffer is full). */
static inline void fink_export_sink_add_warning(struct FinkExportSinkTableReport* report,
                                                const char* format, ...) {
  if (report == NULL || report->warnings == NULL || report->warnings_capacity == 0) return;
  size_t used = strlen(report->warnings);
  if (used + 2 >= report->warnings_capacity) return;
  if (used > 0) report->warnings[used++] = '\n';
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(report->warnings + used, report->warnings_capacity - used, format, arguments);
  va_end(arguments);
}

/* The plugin as fink_export_sink_init describes it. Strings and arrays it points to must
 * stay valid while the library is loaded (static storage is the usual choice). */
struct FinkExportSinkDescription {
  /* ---- 1.0 ---- */
  /* Set first by the plugin: sizeof(struct FinkExportSinkDescription) in its header. */
  size_t struct_size;
  /* Set first by the plugin: FINK_EXPORT_SINK_ABI_VERSION of its header. */
  uint32_t abi_version;

  /* The name that chooses the format (--format NAME): lower case, unique. */
  const char* name;
  /* A one-line title. */
  const char* title;
  /* Extensions that select the format, without the dot, longest first; NULL-terminated. */
  const char* const* extensions;
  /* 1: one table per file (two tables go to a directory); 0: any number per file. */
  int32_t tables_per_file;
  /* 1 when the format can add rows to an existing file (version 1.0 hosts never ask). */
  int32_t supports_append;
  /* Compression methods offered besides none; NULL-terminated (may be NULL). */
  const char* const* compression;
  /* The options it accepts. */
  const struct FinkExportSinkOption* options;
  int64_t option_count;

  /* Optional (may be NULL): refuses option values that are each valid but do not go together,
   * with FINK_EXPORT_SINK_ERROR_USAGE, before any file is made. */
  int32_t (*validate_options)(const struct FinkExportSinkKeyValue* options, int64_t option_count,
                              struct FinkExportSinkError* error);
  /* Optional (may be NULL): the extension (no dot) of a file the host names itself, for these
   * options; NULL means the first extension. */
  const char* (*file_extension)(const struct FinkExportSinkKeyValue* options, int64_t option_count);

  /* Creates the writer of one output file in *writer (it may create the staged file now). */
  int32_t (*open)(const struct FinkExportSinkOpenArgs* args, void** writer,
                  struct FinkExportSinkError* error);
  /* A table starts. Takes ownership of schema. */
  int32_t (*begin_table)(void* writer, struct ArrowSchema* schema, struct FinkExportSinkError* error);
  /* Rows of the current table. Takes ownership of batch. */
  int32_t (*write_batch)(void* writer, struct ArrowArray* batch, struct FinkExportSinkError* error);
  /* The current table is complete; fills report. */
  int32_t (*end_table)(void* writer, struct FinkExportSinkTableReport* report,
                       struct FinkExportSinkError* error);
  /* Every table is complete: store the provenance, flush and close the file. */
  int32_t (*finish)(void* writer, const struct FinkExportSinkKeyValue* provenance, int64_t count,
                    struct FinkExportSinkError* error);
  /* Releases everything the writer holds; called once per successful open (and after a failed
   * open when *writer was set), after finish or after a failure. Must not fail. */
  void (*destroy)(void* writer);
};

/* The one entry point a plugin exports. */
int32_t fink_export_sink_init(uint32_t host_abi_version, struct FinkExportSinkDescription* description,
                              struct FinkExportSinkError* error);

#ifdef __cplusplus
}
#endif

#endif /* FINK_EXPORT_SINK_H */
