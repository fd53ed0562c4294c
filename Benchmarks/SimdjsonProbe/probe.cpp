// How fast a SIMD JSON parser types the same answers: simdjson's On-Demand API (Debian's
// libsimdjson-dev, 3.0.1 on bookworm) over saved objects answers, every value put into a vector
// of its column (doubles, 64-bit integers, string bytes with offsets), each feature list's 26
// entries read with std::from_chars. It does less than fink-export's parse + map (no validity,
// no catalogue types, no checks on what does not fit, no errors naming rows), so its figure is
// an upper bound for a mapper built on simdjson, set beside `parse-map-bench` on the same files.
// Not part of the build; by hand (session 21):
//   apt-get install libsimdjson-dev g++
//   g++ -O3 -std=c++17 Benchmarks/SimdjsonProbe/probe.cpp -lsimdjson -o /tmp/simdjson-probe
//   /tmp/simdjson-probe <saved answers...>   # the best of 10 passes, as JSON
#include <simdjson.h>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

using namespace simdjson;

// One output column: whichever kinds of values its key held.
struct Column {
  std::vector<double> reals;
  std::vector<int64_t> integers;
  std::string text;
  std::vector<uint32_t> textEnds;
  size_t nulls = 0;
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

// A feature list ("[1.5, null, NaN, ...]"): its numbers into the column, the rest counted as nulls.
static void readFeatureList(std::string_view list, Column& column) {
  const char* p = list.data() + 1;
  const char* end = list.data() + list.size() - 1;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ',')) p++;
    if (p >= end) break;
    double value;
    auto read = std::from_chars(p, end, value);
    if (read.ec == std::errc()) { column.reals.push_back(value); p = read.ptr; continue; }
    while (p < end && *p != ',') p++;
    column.nulls++;
  }
}

static size_t readAnswer(ondemand::parser& parser, padded_string& body, Columns& columns) {
  size_t rows = 0;
  auto document = parser.iterate(body);
  for (auto record : document.get_array()) {
    size_t position = 0;
    for (auto field : record.get_object()) {
      Column& column = columns.at(position++, field.unescaped_key().value());
      ondemand::value value = field.value();
      switch (value.type().value()) {
        case ondemand::json_type::number: {
          int64_t integer;
          if (value.get_number_type().value() != ondemand::number_type::floating_point_number && value.get_int64().get(integer) == SUCCESS)
            column.integers.push_back(integer);
          else
            column.reals.push_back(value.get_double().value());
          break;
        }
        case ondemand::json_type::string: {
          std::string_view text = value.get_string().value();
          if (text.size() > 1 && text[0] == '[') { readFeatureList(text, column); break; }
          column.text.append(text);
          column.textEnds.push_back(uint32_t(column.text.size()));
          break;
        }
        case ondemand::json_type::boolean: column.integers.push_back(value.get_bool().value()); break;
        case ondemand::json_type::null: column.nulls++; break;
        default: break;
      }
    }
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
      auto start = std::chrono::steady_clock::now();
      rows = 0;
      for (auto& body : bodies) rows += readAnswer(parser, body, columns);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    printf("{\"bytes\": %zu, \"rows\": %zu, \"seconds\": %.4f, \"mb_per_s\": %.1f}\n", bytes, rows, best, bytes / best / 1e6);
  } catch (const simdjson_error& error) {
    fprintf(stderr, "simdjson-probe: %s\n", error.what());
    return 1;
  }
}
