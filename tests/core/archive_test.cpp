#include <core/bundle/archive.hpp>
#include <core/bundle/input.hpp>

#include <doctest/doctest.h>

#include "../support/support.hpp"

#include <sys/stat.h>

using namespace cva;
using cva::test::RawEntry;

namespace {

std::string error_of(const Result<Bundle>& r)
{
  REQUIRE_FALSE(r.has_value());
  return r.error().message;
}

bool one_line(const std::string& s)
{
  return !s.empty() && s.find('\n') == std::string::npos;
}

} // namespace

TEST_SUITE("core/archive")
{
  TEST_CASE("a bundle survives a tar.gz round trip under its top directory")
  {
    test::TempDir dir;
    Bundle b;
    b.put("cluster-resources/pods/coder.json", R"({"items":[]})");
    b.put("coder-cva/manifest.json", "{}");
    b.put("empty.txt", "");
    const auto target = dir / "out.tar.gz";
    REQUIRE(write_tar_gz(b, target, "coder-cva-test", 1'700'000'000).has_value());
    struct stat st{};
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto read = read_archive_file(target);
    REQUIRE(read.has_value());
    CHECK(read->size() == 3);
    CHECK(*read->get("coder-cva-test/cluster-resources/pods/coder.json") == R"({"items":[]})");
    CHECK(read->get("coder-cva-test/empty.txt")->empty());
    // No temporary file is left beside the target.
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) {
      ++files;
    }
    CHECK(files == 1);
  }

  TEST_CASE("a zip survives a round trip in memory")
  {
    Bundle b;
    b.put("deployment/health.json", R"({"severity":"ok"})");
    auto zip = write_zip_memory(b, 1'700'000'000);
    REQUIRE(zip.has_value());
    auto read = read_archive_memory(*zip, "x.zip");
    REQUIRE(read.has_value());
    CHECK(*read->get("deployment/health.json") == R"({"severity":"ok"})");
  }

  TEST_CASE("path traversal is refused")
  {
    test::TempDir dir;
    test::write_raw_archive(dir / "evil.tar.gz", {{"bundle/ok.json", RawEntry::Type::file, "{}"},
                                                  {"bundle/../../evil.txt", RawEntry::Type::file, "x"}});
    const std::string err = error_of(read_archive_file(dir / "evil.tar.gz"));
    CHECK(one_line(err));
    CHECK(err.find("escaping path") != std::string::npos);
    CHECK(err.find("evil.tar.gz") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path().parent_path() / "evil.txt"));
  }

  TEST_CASE("absolute paths are refused")
  {
    test::TempDir dir;
    test::write_raw_archive(dir / "abs.tar.gz", {{"/etc/cron.d/evil", RawEntry::Type::file, "x"}});
    const std::string err = error_of(read_archive_file(dir / "abs.tar.gz"));
    CHECK(err.find("absolute or escaping path") != std::string::npos);
  }

  TEST_CASE("symlinks leading out of the bundle are refused; links inside are skipped")
  {
    test::TempDir dir;
    test::write_raw_archive(dir / "link.tar.gz", {{"b/x.json", RawEntry::Type::file, "{}"},
                                                  {"b/pods/escape", RawEntry::Type::symlink, "../../../etc/passwd"}});
    CHECK(error_of(read_archive_file(dir / "link.tar.gz")).find("symlink 'b/pods/escape' points outside") !=
          std::string::npos);
    test::write_raw_archive(dir / "abs-link.tar.gz", {{"b/l", RawEntry::Type::symlink, "/etc/passwd"}});
    CHECK(error_of(read_archive_file(dir / "abs-link.tar.gz")).find("points outside") != std::string::npos);
    test::write_raw_archive(dir / "hard.tar.gz", {{"b/h", RawEntry::Type::hardlink, "../../etc/shadow"}});
    CHECK(error_of(read_archive_file(dir / "hard.tar.gz")).find("hard link") != std::string::npos);
    test::write_raw_archive(dir / "inside.tar.gz", {{"b/pods/x.json", RawEntry::Type::file, "{}"},
                                                    {"b/pods/x.yaml", RawEntry::Type::symlink, "x.json"},
                                                    {"b/dir", RawEntry::Type::directory, ""}});
    auto ok = read_archive_file(dir / "inside.tar.gz");
    REQUIRE(ok.has_value());
    CHECK(ok->size() == 1);
  }

  TEST_CASE("a truncated gzip is refused")
  {
    test::TempDir dir;
    Bundle b;
    std::string big(200'000, 'a');
    for (std::size_t i = 0; i < big.size(); ++i) {
      big[i] = static_cast<char>('a' + (i * 7919) % 26);
    }
    b.put("x.json", big);
    auto bytes = write_tar_gz_memory(b, "top", 1'700'000'000);
    REQUIRE(bytes.has_value());
    test::write_text(dir / "cut.tar.gz", bytes->substr(0, bytes->size() / 2));
    const std::string err = error_of(read_archive_file(dir / "cut.tar.gz"));
    CHECK(one_line(err));
    CHECK(err.find("truncated or corrupt") != std::string::npos);
  }

  TEST_CASE("a file that is not an archive is refused")
  {
    test::TempDir dir;
    test::write_text(dir / "notes.tar.gz", std::string("\x1f\x8b not really gzip", 18));
    CHECK(one_line(error_of(read_archive_file(dir / "notes.tar.gz"))));
  }

  TEST_CASE("too many entries are refused")
  {
    test::TempDir dir;
    std::vector<RawEntry> entries;
    for (int i = 0; i < 50; ++i) {
      entries.push_back({"b/f" + std::to_string(i), RawEntry::Type::file, "x"});
    }
    test::write_raw_archive(dir / "many.tar.gz", entries);
    ReadLimits limits;
    limits.max_entries = 20;
    CHECK(error_of(read_archive_file(dir / "many.tar.gz", limits)).find("more than 20 entries") != std::string::npos);
    CHECK(read_archive_file(dir / "many.tar.gz").has_value());
  }

  TEST_CASE("a decompression bomb is refused")
  {
    test::TempDir dir;
    test::write_raw_archive(dir / "bomb.tar.gz", {{"b/zeros.json", RawEntry::Type::file, std::string(80u << 20, '\0')}});
    CHECK(std::filesystem::file_size(dir / "bomb.tar.gz") < (1u << 20));
    const std::string err = error_of(read_archive_file(dir / "bomb.tar.gz"));
    CHECK(err.find("decompression bomb") != std::string::npos);
    ReadLimits limits;
    limits.max_total_bytes = 1u << 20;
    limits.max_ratio = 1'000'000;
    CHECK(error_of(read_archive_file(dir / "bomb.tar.gz", limits)).find("bytes uncompressed") != std::string::npos);
  }

  TEST_CASE("normalize_member_path keeps names inside")
  {
    CHECK(normalize_member_path("./a//b/./c.json") == "a/b/c.json");
    CHECK(normalize_member_path("a/../b").empty());
    CHECK(normalize_member_path("/a").empty());
    CHECK(normalize_member_path("a\\..\\b").empty());
    CHECK(normalize_member_path("..").empty());
  }

  TEST_CASE("write_file_atomic never leaves a partial target")
  {
    test::TempDir dir;
    const auto target = dir / "sub-missing" / "x.tar.gz";
    auto r = write_file_atomic(target, "data");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("cannot create") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(target));
  }
}
