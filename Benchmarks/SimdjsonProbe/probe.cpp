// How fast a SIMD JSON parser types the same answers: simdjson's On-Demand API (Debian's
// libsimdjson-dev, 3.0.1 on bookworm) over saved objects answers, every value put into a vector
// of its column with a validity byte (doubles, 64-bit integers, string bytes with offsets; the
// kind from the column's first value), each feature list's 26 entries into 26 columns with
// std::from_chars; a key given twice, a feature list of another length and a non-finite double
// are counted, a key a record lacks becomes a null, the string "nan" too, and the rows of each
// object are counted. It still does less than fink-export's parse + map (the kinds come from the
// first values, not the catalogue; no error names its row), so its figure is an upper bound for a
// mapper built on simdjson, set beside `parse-map-bench` on the same files.
// Not part of the build; by hand (session 21):
//   apt-get install libsimdjson-dev g++
//   g++ -O3 -std=c++17 Benchmarks/SimdjsonProbe/probe.cpp -lsimdjson -o /tmp/simdjson-probe
//   /tmp/simdjson-probe <saved answers...>   # the best of 10 passes, as JSON
#include <simdjson.h>
#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

using namespace simdjson;

// One output column: its values by the kind of its first value, and a validity byte per row.
struct Column {
  enum Kind { unknown, real, integer, string, features } kind = unknown;
  std::vector<double> reals;
  std::vector<int64_t> integers;
  std::string text;
  std::vector<uint32_t> textEnds;
  std::vector<uint8_t> valid;
  // A feature list's 26 values, one column each (0 and invalid under a null entry).
  std::vector<std::vector<double>> featureValues;
  std::vector<std::vector<uint8_t>> featureValid;
  // The last row that gave this column a value: a key given twice, or one a record lacks.
  size_t stamp = size_t(-1);

  void null() {
    valid.push_back(0);
    switch (kind) {
      case real: reals.push_back(0); break;
      case integer: integers.push_back(0); break;
      case string: textEnds.push_back(uint32_t(text.size())); break;
      case features:
        for (size_t f = 0; f < featureValues.size(); f++) { featureValues[f].push_back(0); featureValid[f].push_back(0); }
        break;
      case unknown: break;
    }
  }
};

// Columns by key, found by the key's position in the record first (records share their key
// order, as fink-export's reader assumes too), by the key itself otherwise.
struct Columns {
  std::unordered_map<std::string, size_t> byName;
  std::vector<Column> all;
  std::vector<std::string> keyAt;
  std::vector<size_t> columnAt;

  Column& at(size_t position, std::string_view key) {
    if (position < keyAt.size() && keyAt[position] == key) return all[columnAt[position]];
    auto found = byName.find(std::string(key));
    size_t column = found != byName.end() ? found->second : all.size();
    if (column == all.size()) { byName.emplace(std::string(key), column); all.emplace_back(); }
    if (position < keyAt.size()) { keyAt[position] = std::string(key); columnAt[position] = column; }
    else { keyAt.emplace_back(key); columnAt.push_back(column); }
    return all[column];
  }
};

// What the mapper would refuse: a key given twice, a feature list of another length, a
// non-finite double.
static size_t problems = 0;

// A feature list ("[1.5, null, NaN, ...]"): entry k into feature column k, a null entry as
// a missing value.
static void readFeatureList(std::string_view list, Column& column) {
  const char* p = list.data() + 1;
  const char* end = list.data() + list.size() - 1;
  size_t entry = 0;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ',')) p++;
    if (p >= end) break;
    if (entry == column.featureValues.size()) { column.featureValues.emplace_back(); column.featureValid.emplace_back(); }
    double value;
    auto read = std::from_chars(p, end, value);
    if (read.ec == std::errc()) {
      column.featureValues[entry].push_back(value);
      column.featureValid[entry].push_back(value == value);
      p = read.ptr;
    } else {
      while (p < end && *p != ',') p++;
      column.featureValues[entry].push_back(0);
      column.featureValid[entry].push_back(0);
    }
    entry++;
  }
  // Twenty-six entries, or none (a missing band: a null in each feature column); anything
  // else is a data error.
  if (entry == 0) for (size_t f = 0; f < column.featureValues.size(); f++) { column.featureValues[f].push_back(0); column.featureValid[f].push_back(0); }
  else if (entry != 26) problems++;
}

// Reads one answer's records; `records` counts them across answers (the columns' stamps).
static size_t readAnswer(ondemand::parser& parser, padded_string& body, Columns& columns,
                         std::unordered_map<std::string, size_t>& rowsPerObject, size_t& records) {
  size_t rows = 0;
  auto document = parser.iterate(body);
  for (auto record : document.get_array()) {
    size_t position = 0;
    for (auto field : record.get_object()) {
      std::string_view key = field.unescaped_key().value();
      Column& column = columns.at(position++, key);
      if (column.stamp == records) problems++;
      column.stamp = records;
      ondemand::value value = field.value();
      switch (value.type().value()) {
        case ondemand::json_type::number: {
          if (column.kind == Column::unknown)
            column.kind = value.get_number_type().value() == ondemand::number_type::floating_point_number ? Column::real : Column::integer;
          if (column.kind == Column::integer) column.integers.push_back(value.get_int64().value());
          else {
            double real = value.get_double().value();
            if (!std::isfinite(real)) problems++;
            column.reals.push_back(real);
          }
          column.valid.push_back(1);
          break;
        }
        case ondemand::json_type::string: {
          std::string_view text = value.get_string().value();
          if (column.kind == Column::unknown) column.kind = text.size() > 1 && text[0] == '[' ? Column::features : Column::string;
          if (column.kind == Column::features) { readFeatureList(text, column); column.valid.push_back(1); break; }
          if (text == "nan") { column.null(); break; }
          if (key == "i:objectId") rowsPerObject[std::string(text)]++;
          column.text.append(text);
          column.textEnds.push_back(uint32_t(column.text.size()));
          column.valid.push_back(1);
          break;
        }
        case ondemand::json_type::boolean: column.integers.push_back(value.get_bool().value()); column.valid.push_back(1); break;
        case ondemand::json_type::null: column.null(); break;
        default: break;
      }
    }
    // The keys this record lacks are nulls.
    for (auto& column : columns.all) if (column.stamp != records) { column.null(); column.stamp = records; }
    records++;
    rows++;
  }
  return rows;
}

int main(int argc, char** argv) {
  try {
    std::vector<padded_string> bodies;
    size_t bytes = 0;
    for (int a = 1; a < argc; a++) { bodies.push_back(padded_string::load(argv[a]).value()); bytes += bodies.back().size(); }
    ondemand::parser parser(64 << 20);
    double best = 1e9;
    size_t rows = 0;
    for (int pass = 0; pass < 10; pass++) {
      Columns columns;
      std::unordered_map<std::string, size_t> rowsPerObject;
      size_t records = 0;
      auto start = std::chrono::steady_clock::now();
      rows = 0;
      for (auto& body : bodies) rows += readAnswer(parser, body, columns, rowsPerObject, records);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    printf("{\"bytes\": %zu, \"rows\": %zu, \"problems\": %zu, \"seconds\": %.4f, \"mb_per_s\": %.1f}\n", bytes, rows, problems, best, bytes / best / 1e6);
  } catch (const simdjson_error& error) {
    fprintf(stderr, "simdjson-probe: %s\n", error.what());
    return 1;
  }
}
