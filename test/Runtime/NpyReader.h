//===- NpyReader.h - A small .npy reader for the runtime tests --*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Reads .npy files (versions 1.0 and 2.0) the way NumPy does: checks the
/// magic, parses the header dict literal for descr, fortran_order and shape,
/// and takes exactly the bytes the shape describes. Tests use it to read back
/// what the runtime wrote without depending on NumPy being installed.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_TEST_RUNTIME_NPYREADER_H
#define CAJAL_TEST_RUNTIME_NPYREADER_H

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace cajal::test {

/// A parsed .npy file.
struct NpyArray {
  std::string Descr;
  bool FortranOrder = true;
  std::vector<uint64_t> Shape;
  /// The header as text, and its full size including the magic.
  std::string Dict;
  size_t HeaderBytes = 0;
  /// Exactly the bytes the shape describes.
  std::vector<char> Data;

  uint64_t elements() const {
    uint64_t count = 1;
    for (uint64_t extent : Shape)
      count *= extent;
    return count;
  }
  size_t itemSize() const { return size_t(std::stoul(Descr.substr(2))); }
  template <typename T> std::vector<T> as() const {
    std::vector<T> values(Data.size() / sizeof(T));
    std::memcpy(values.data(), Data.data(), values.size() * sizeof(T));
    return values;
  }
};

/// The text of the value of 'key' in a dict literal: a quoted string, a
/// tuple or a bare word.
inline std::string dictValue(const std::string &dict, const std::string &key) {
  size_t at = dict.find("'" + key + "'");
  if (at == std::string::npos)
    return "";
  at = dict.find(':', at);
  if (at == std::string::npos)
    return "";
  ++at;
  while (at < dict.size() && dict[at] == ' ')
    ++at;
  if (at >= dict.size())
    return "";
  const char open = dict[at];
  if (open == '\'' || open == '"') {
    size_t end = dict.find(open, at + 1);
    return end == std::string::npos ? "" : dict.substr(at + 1, end - at - 1);
  }
  if (open == '(') {
    size_t end = dict.find(')', at);
    return end == std::string::npos ? "" : dict.substr(at, end - at + 1);
  }
  size_t end = dict.find_first_of(",}", at);
  return dict.substr(at, end - at);
}

/// Parses "(3, 4)", "(3,)" or "()" into extents; false when malformed.
inline bool parseShape(const std::string &text, std::vector<uint64_t> &shape) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')')
    return false;
  shape.clear();
  std::string inner = text.substr(1, text.size() - 2);
  size_t at = 0;
  while (at < inner.size()) {
    while (at < inner.size() && (inner[at] == ' ' || inner[at] == ','))
      ++at;
    if (at >= inner.size())
      break;
    size_t end = at;
    while (end < inner.size() && inner[end] >= '0' && inner[end] <= '9')
      ++end;
    if (end == at)
      return false;
    shape.push_back(std::stoull(inner.substr(at, end - at)));
    at = end;
  }
  return true;
}

/// Reads `path` into `array`; returns "" on success or what is wrong.
inline std::string readNpy(const std::string &path, NpyArray &array) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "cannot open " + path;
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    return "bad magic";
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t length, start;
  if (major == 1) {
    length = static_cast<unsigned char>(bytes[8]) |
             size_t(static_cast<unsigned char>(bytes[9])) << 8;
    start = 10;
  } else if (major == 2 && bytes.size() >= 12) {
    length = 0;
    for (int i = 0; i < 4; ++i)
      length |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    start = 12;
  } else {
    return "unknown version";
  }
  if (bytes.size() < start + length)
    return "truncated header";
  array.HeaderBytes = start + length;
  array.Dict.assign(bytes.data() + start, length);
  if (array.Dict.empty() || array.Dict.back() != '\n')
    return "header does not end with a newline";
  array.Descr = dictValue(array.Dict, "descr");
  const std::string fortran = dictValue(array.Dict, "fortran_order");
  if (fortran != "False" && fortran != "True")
    return "bad fortran_order '" + fortran + "'";
  array.FortranOrder = fortran == "True";
  if (!parseShape(dictValue(array.Dict, "shape"), array.Shape))
    return "bad shape";
  if (array.Descr.size() < 3)
    return "bad descr";
  const size_t need = array.elements() * array.itemSize();
  if (bytes.size() - array.HeaderBytes < need)
    return "data shorter than the shape says";
  array.Data.assign(bytes.begin() + array.HeaderBytes,
                    bytes.begin() + array.HeaderBytes + need);
  return "";
}

} // namespace cajal::test

#endif // CAJAL_TEST_RUNTIME_NPYREADER_H
