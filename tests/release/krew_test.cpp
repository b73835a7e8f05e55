#include <core/model/labels.hpp>
#include <core/util/json.hpp>
#include <core/util/yaml.hpp>
#include <core/version.hpp>
#include <tests/support/support.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <re2/re2.h>

#include <filesystem>
#include <set>

using namespace cva;
using namespace cva::test;
namespace fs = std::filesystem;

namespace {

// The platforms krew's validate-krew-manifest accepts (cmd/validate-krew-manifest/main.go).
const std::vector<StringMap> k_krew_platforms = [] {
  std::vector<StringMap> out;
  for (const auto& [os, arches] : std::vector<std::pair<std::string, std::vector<std::string>>>{
         {"windows", {"386", "amd64", "arm64"}},
         {"linux", {"386", "amd64", "arm", "arm64", "ppc64le"}},
         {"darwin", {"386", "amd64", "arm64"}}}) {
    for (const std::string& arch : arches) {
      out.push_back(StringMap{{"os", os}, {"arch", arch}});
    }
  }
  return out;
}();

// The rules krew applies to a plugin manifest (internal/index/validation ValidatePlugin and
// cmd/validate-krew-manifest, see reference/peers.md section 9), plus what this project requires
// of its own manifest (homepage, description, caveats, linux/amd64 and a LICENSE). Returns one
// line per violation; empty when the manifest is valid.
std::vector<std::string> krew_problems(const std::string& text, const std::string& file_name)
{
  std::vector<std::string> problems;
  const auto docs = parse_yaml_documents(text, file_name);
  if (!docs || docs->size() != 1) {
    return {"not a single YAML document"};
  }
  const Json& m = docs->front();
  if (!file_name.ends_with(".yaml")) {
    problems.push_back("file extension is not .yaml");
  }
  if (json_string(m, "apiVersion") != "krew.googlecontainertools.github.com/v1alpha2") {
    problems.push_back("apiVersion");
  }
  if (json_string(m, "kind") != "Plugin") {
    problems.push_back("kind");
  }
  const std::string name = json_string(json_at(m, "metadata"), "name");
  if (!RE2::FullMatch(name, R"([\w-]+)") ||
      RE2::FullMatch(name, "(?i)(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])")) {
    problems.push_back("metadata.name is not a valid plugin name");
  }
  if (name != file_name.substr(0, file_name.rfind('.'))) {
    problems.push_back("metadata.name differs from the file name");
  }
  const Json& spec = json_at(m, "spec");
  const std::string short_description = json_string(spec, "shortDescription");
  if (short_description.empty() || short_description.find_first_of("\r\n") != std::string::npos) {
    problems.push_back("shortDescription is empty or has a line break");
  }
  if (!RE2::FullMatch(json_string(spec, "version"),
                      R"(v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)")) {
    problems.push_back("version is not semver with a v prefix");
  }
  for (const char* field : {"homepage", "description", "caveats"}) {
    if (json_string(spec, field).empty()) {
      problems.push_back(fmt::format("{} is empty", field));
    }
  }
  const Json& platforms = json_array(spec, "platforms");
  if (platforms.empty()) {
    problems.push_back("no platforms");
  }
  std::vector<std::vector<std::size_t>> matched; // indices into k_krew_platforms, per platform
  bool linux_amd64 = false;
  for (const Json& p : platforms) {
    const std::string where = fmt::format("platform {}", matched.size());
    if (!json_string(p, "uri").starts_with("https://")) {
      problems.push_back(where + ": uri is not https");
    }
    if (!RE2::FullMatch(json_string(p, "sha256"), "[a-f0-9]{64}")) {
      problems.push_back(where + ": sha256 is not 64 lowercase hex digits");
    }
    if (json_string(p, "bin") != "kubectl-coder_cva") {
      problems.push_back(where + ": bin is not kubectl-coder_cva");
    }
    if (p.contains("files")) {
      const Json& files = json_array(p, "files");
      bool license = false;
      if (files.empty()) {
        problems.push_back(where + ": files is empty");
      }
      for (const Json& f : files) {
        if (json_string(f, "from").empty() || json_string(f, "to").empty()) {
          problems.push_back(where + ": a files entry lacks from or to");
        }
        license = license || RE2::FullMatch(json_string(f, "from"), "(?i)(license|copying)(\\.txt|\\.md)?");
      }
      if (!license) {
        problems.push_back(where + ": no LICENSE among the files");
      }
    }
    const Json& selector = json_at(p, "selector");
    const Json& labels = json_at(selector, "matchLabels");
    const Json& expressions = json_at(selector, "matchExpressions");
    if (!selector.is_object() || selector.empty() || (labels.is_object() && labels.empty()) ||
        (expressions.is_array() && expressions.empty())) {
      problems.push_back(where + ": selector is missing or empty");
    }
    if (labels.is_object()) {
      for (const auto& [key, value] : labels.items()) {
        if (key != "os" && key != "arch") {
          problems.push_back(where + ": selector uses key " + key);
        }
      }
    }
    for (const Json& e : expressions.is_array() ? expressions : Json::array()) {
      if (json_string(e, "key") != "os" && json_string(e, "key") != "arch") {
        problems.push_back(where + ": selector uses key " + json_string(e, "key"));
      }
    }
    const auto parsed = LabelSelector::from_json(selector);
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; parsed && i < k_krew_platforms.size(); ++i) {
      if (parsed->matches(k_krew_platforms[i])) {
        hits.push_back(i);
      }
    }
    if (hits.empty()) {
      problems.push_back(where + ": selector matches no platform krew knows");
    }
    linux_amd64 = linux_amd64 || (parsed && parsed->matches(StringMap{{"os", "linux"}, {"arch", "amd64"}}));
    for (std::size_t other = 0; other < matched.size(); ++other) {
      for (const std::size_t h : hits) {
        if (std::find(matched[other].begin(), matched[other].end(), h) != matched[other].end()) {
          problems.push_back(fmt::format("{} overlaps platform {} on {}/{}", where, other, k_krew_platforms[h].at("os"),
                                         k_krew_platforms[h].at("arch")));
        }
      }
    }
    matched.push_back(std::move(hits));
  }
  if (!linux_amd64) {
    problems.push_back("no linux/amd64 platform");
  }
  return problems;
}

std::string valid_manifest(std::string_view platforms_yaml)
{
  return fmt::format(R"(apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: coder-cva
spec:
  version: v1.2.3
  homepage: https://example.com/coder-cva
  shortDescription: Check things
  description: |
    Checks things.
  caveats: |
    Read the docs.
  platforms:
{})",
                     platforms_yaml);
}

std::string platform(std::string_view os, std::string_view arch, std::string_view sha = std::string(64, 'a'))
{
  return fmt::format(R"(  - selector:
      matchLabels:
        os: {}
        arch: {}
    uri: https://example.com/kubectl-coder_cva_{}_{}.tar.gz
    sha256: {}
    files:
      - from: kubectl-coder_cva
        to: .
      - from: LICENSE
        to: .
    bin: kubectl-coder_cva
)",
                     os, arch, os, arch, sha);
}

} // namespace

TEST_SUITE("release/krew")
{
  TEST_CASE("the manifest check enforces krew's rules")
  {
    const std::string two = platform("linux", "amd64") + platform("linux", "arm64");
    CHECK(krew_problems(valid_manifest(two), "coder-cva.yaml").empty());
    CHECK_FALSE(krew_problems(valid_manifest(two), "other.yaml").empty());
    CHECK_FALSE(krew_problems(valid_manifest(two), "coder-cva.yml").empty());
    CHECK_FALSE(krew_problems(valid_manifest(platform("linux", "amd64") + platform("linux", "amd64")),
                              "coder-cva.yaml")
                  .empty()); // overlapping platforms
    CHECK_FALSE(krew_problems(valid_manifest(platform("linux", "amd64", std::string(64, 'A'))), "coder-cva.yaml")
                  .empty()); // uppercase hash
    CHECK_FALSE(krew_problems(valid_manifest(platform("plan9", "amd64")), "coder-cva.yaml").empty());
    std::string text = valid_manifest(two);
    CHECK_FALSE(krew_problems(std::string(text).replace(text.find("v1.2.3"), 6, "1.2.3"), "coder-cva.yaml").empty());
    CHECK_FALSE(krew_problems(std::string(text).replace(text.find("- from: LICENSE"), 15, "- from: README "),
                              "coder-cva.yaml")
                  .empty());
    CHECK_FALSE(krew_problems(std::string(text).replace(text.find("os: linux"), 9, "distro: x"), "coder-cva.yaml")
                  .empty());
    CHECK_FALSE(
      krew_problems(std::string(text).replace(text.find("Check things"), 12, "\"Check\\nthings\""), "coder-cva.yaml")
        .empty());
  }

  TEST_CASE("the committed krew/coder-cva.yaml follows krew's rules")
  {
    const std::string text = read_text(source_dir() / "krew" / "coder-cva.yaml");
    const std::vector<std::string> problems = krew_problems(text, "coder-cva.yaml");
    for (const std::string& p : problems) {
      FAIL_CHECK(p);
    }
    const auto docs = parse_yaml_documents(text, "coder-cva.yaml");
    REQUIRE(docs.has_value());
    const Json& spec = docs->front()["spec"];
    CHECK(spec["version"] == "v" + std::string(k_version));
    CHECK(spec["homepage"] == k_homepage);
    CHECK(spec["caveats"].get<std::string>().find("completion kubectl") != std::string::npos);
    // scripts/release builds both (arm64 cross-compiled) and writes this file with their hashes.
    std::set<std::string> platforms;
    for (const Json& p : spec["platforms"]) {
      platforms.insert(fmt::format("{}/{}", json_string(p["selector"]["matchLabels"], "os"),
                                   json_string(p["selector"]["matchLabels"], "arch")));
    }
    CHECK(platforms == std::set<std::string>{"linux/amd64", "linux/arm64"});
  }
}

TEST_CASE("release: the binary the tests run is the release binary; its archive and krew manifest agree")
{
  if (!CVA_LINK_STATIC) {
    MESSAGE("skipped: this build links its libraries dynamically (CVA_LINK=shared, or their static archives "
            "are missing), so its binary is no release binary");
    return;
  }
  // The `release-pack` test packed the built binary into this directory, as `krew-release` does.
  const fs::path dist = CVA_RELEASE_DIST;
  TempDir dir;
  const std::string os = CVA_RELEASE_OS;
  const std::string arch = CVA_RELEASE_ARCH;
  const fs::path archive = dist / fmt::format("kubectl-coder_cva_{}_{}.tar.gz", os, arch);
  REQUIRE(fs::exists(archive));
  const std::string manifest_text = read_text(dist / "coder-cva.yaml");
  const std::vector<std::string> problems = krew_problems(manifest_text, "coder-cva.yaml");
  for (const std::string& p : problems) {
    FAIL_CHECK(p);
  }

  // The manifest carries the archive's real hash (sha256sum, not our code, computes it here).
  const CommandResult sum = run_command({"sha256sum", archive.string()});
  REQUIRE(sum.exit_code == 0);
  const std::string sha = sum.out.substr(0, 64);
  const auto docs = parse_yaml_documents(manifest_text, "coder-cva.yaml");
  REQUIRE(docs.has_value());
  bool found = false;
  for (const Json& p : docs->front()["spec"]["platforms"]) {
    if (p["selector"]["matchLabels"]["os"] == os && p["selector"]["matchLabels"]["arch"] == arch) {
      found = true;
      CHECK(p["sha256"] == sha);
      CHECK(p["uri"].get<std::string>().ends_with("/v" + std::string(k_version) + "/" +
                                                   archive.filename().string()));
    }
  }
  CHECK(found);

  // The archive holds the binary and the LICENSE at its top, nothing else.
  const CommandResult list = run_command({"tar", "-tzf", archive.string()});
  CHECK((list.out == "kubectl-coder_cva\nLICENSE\n" || list.out == "LICENSE\nkubectl-coder_cva\n"));
  const fs::path unpacked = dir / "unpacked";
  fs::create_directories(unpacked);
  REQUIRE(run_command({"tar", "-xzf", archive.string(), "-C", unpacked.string()}).exit_code == 0);
  CHECK(read_text(unpacked / "LICENSE") == read_text(source_dir() / "LICENSE"));
  const fs::path binary = unpacked / "kubectl-coder_cva";
  CHECK((fs::status(binary).permissions() & fs::perms::others_exec) != fs::perms::none);

  // Nothing but libc and libstdc++ (and the libraries they bring: libm, libgcc_s, the loader).
  const CommandResult ldd = run_command({"ldd", binary.string()});
  REQUIRE(ldd.exit_code == 0);
  std::size_t start = 0;
  int libraries = 0;
  while (start < ldd.out.size()) {
    const std::size_t end = std::min(ldd.out.find('\n', start), ldd.out.size());
    const std::string line = ldd.out.substr(start, end - start);
    start = end + 1;
    CAPTURE(line);
    CHECK(RE2::PartialMatch(line, R"(^\s*(linux-vdso\.so|/?\S*ld-linux[-\w.]*\.so|lib(c|m|stdc\+\+|gcc_s)\.so)\S*\s)"));
    ++libraries;
  }
  CHECK(libraries >= 3);
  CHECK(ldd.out.find("libstdc++.so.6") != std::string::npos);
  const CommandResult needed = run_command({"readelf", "-d", CVA_CLI});
  CHECK(needed.out.find("(NEEDED)") != std::string::npos);
  CHECK(needed.out.find("libarchive") == std::string::npos);
  CHECK(needed.out.find("httplib") == std::string::npos);
  CHECK(needed.out.find("libyaml-cpp") == std::string::npos);
  CHECK(needed.out.find("libre2") == std::string::npos);
  CHECK(needed.out.find("libfmt") == std::string::npos);

  // It runs, and analyzes a sample like the development build does.
  const CommandResult version = run_command({binary.string(), "version"});
  CHECK(version.out == fmt::format("kubectl-coder_cva {}\n", k_version));
  const CommandResult analyzed =
    run_command({binary.string(), "analyze", sample_archive("incident").string(), "-o", "json"});
  CHECK(analyzed.exit_code == 3);
  CHECK(analyzed.out == run_cli({"analyze", sample_archive("incident").string(), "-o", "json"}).out);

  // krew itself, when it is installed (it is not a Debian package; never downloaded here).
  const fs::path kubectl = find_program("kubectl");
  if (kubectl.empty() || run_command({kubectl.string(), "krew", "version"}).exit_code != 0) {
    MESSAGE("kubectl krew is not installed: `kubectl krew install --manifest --archive` not exercised");
    return;
  }
  const fs::path krew_root = dir / "krew";
  const CommandResult install =
    run_command({kubectl.string(), "krew", "install", "--manifest=" + (dist / "coder-cva.yaml").string(),
                 "--archive=" + archive.string()},
                {}, {"KREW_ROOT=" + krew_root.string()});
  REQUIRE_MESSAGE(install.exit_code == 0, install.err);
  const CommandResult installed = run_command({(krew_root / "bin" / "kubectl-coder_cva").string(), "version"});
  CHECK(installed.out == version.out);
}
