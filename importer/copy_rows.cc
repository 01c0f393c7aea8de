#include "importer/copy_rows.h"

#include <charconv>

namespace c4::importer {
namespace {

// The byte a backslash escape of COPY's text format stands for; `i` is on the backslash and is
// left on the escape's last character.
char unescape(std::string_view line, size_t& i) {
  if (i + 1 >= line.size()) return '\\';
  char c = line[++i];
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    default: break;
  }
  if (c >= '0' && c <= '7') {  // \NNN: up to three octal digits
    int value = c - '0';
    for (int k = 0; k < 2 && i + 1 < line.size() && line[i + 1] >= '0' && line[i + 1] <= '7'; ++k)
      value = value * 8 + (line[++i] - '0');
    return static_cast<char>(value);
  }
  return c;  // \\ and any other escaped character stand for themselves
}

}  // namespace

void split_copy_line(std::string_view line, std::vector<std::optional<std::string>>& fields) {
  fields.clear();
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  size_t start = 0;
  while (true) {
    size_t end = line.find('\t', start);
    std::string_view raw = line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (raw == "\\N") {
      fields.emplace_back(std::nullopt);
    } else {
      std::string value;
      value.reserve(raw.size());
      for (size_t i = 0; i < raw.size(); ++i) value.push_back(raw[i] == '\\' ? unescape(raw, i) : raw[i]);
      fields.emplace_back(std::move(value));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

std::string CopyRow::where(size_t i) const {
  std::string id = !fields_.empty() && fields_[0] ? *fields_[0] : "?";
  return table_ + " id " + id + ", column " + (i < columns_.size() ? columns_[i] : "?");
}

Result<std::string> CopyRow::text(size_t i) const { return fields_.at(i).value_or(""); }

std::optional<std::string> CopyRow::optional_text(size_t i) const { return fields_.at(i); }

Result<int64_t> CopyRow::integer(size_t i, std::optional<int64_t> if_null) const {
  auto v = optional_integer(i);
  if (!v) return v.status();
  if (*v) return **v;
  if (if_null) return *if_null;
  return Status::invalid(where(i) + ": null where a number is required");
}

Result<std::optional<int64_t>> CopyRow::optional_integer(size_t i) const {
  const auto& f = fields_.at(i);
  if (!f) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(f->data(), f->data() + f->size(), value);
  if (ec != std::errc() || end != f->data() + f->size())
    return Status::invalid(where(i) + ": \"" + *f + "\" is not an integer");
  return std::optional<int64_t>(value);
}

Result<bool> CopyRow::boolean(size_t i, bool if_null) const {
  const auto& f = fields_.at(i);
  if (!f) return if_null;
  if (*f == "t" || *f == "true") return true;
  if (*f == "f" || *f == "false") return false;
  return Status::invalid(where(i) + ": \"" + *f + "\" is not a boolean");
}

Status copy_table(pqxx::transaction_base& txn, const std::string& table, const std::vector<std::string>& columns,
                  const std::function<Status(const CopyRow&)>& each) {
  try {
    pqxx::stream_from stream(txn, table, columns);
    CopyRow row;
    row.table_ = table;
    row.columns_ = columns;
    std::string line;
    Status failed;
    while (stream.get_raw_line(line)) {
      if (!failed.is_ok()) continue;  // drain the COPY so the connection stays usable
      split_copy_line(line, row.fields_);
      if (row.fields_.size() != columns.size())
        failed = Status::invalid(table + ": a row has " + std::to_string(row.fields_.size()) + " fields, expected " +
                                 std::to_string(columns.size()));
      else
        failed = each(row);
    }
    stream.complete();
    return failed;
  } catch (const pqxx::broken_connection& e) {
    return Status::unavailable("reading table " + table + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::invalid("reading table " + table + " of the old database: " + e.what());
  }
}

}  // namespace c4::importer
