#pragma once

#include <core/bundle/archive.hpp>
#include <core/bundle/bundle.hpp>
#include <core/util/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cva {

// What kind of input a bundle was read from.
enum class InputFormat
{
  cva,               // our archive or directory (coder-cva/manifest.json)
  troubleshoot,      // a troubleshoot.sh support bundle (version.yaml or cluster-resources/)
  cluster_info_dump, // `kubectl cluster-info dump`: an --output-directory tree or its stdout
  manifests,         // plain YAML/JSON manifests (`helm template` output), pods synthesized
  coder_support,     // a `coder support bundle` zip alone
};

std::string_view to_string(InputFormat format);

// Everything the INPUT arguments held, as one bundle in our layout.
struct LoadedInput
{
  Bundle bundle;
  InputFormat format = InputFormat::cva;
  std::vector<std::string> origins; // the arguments, as given
  std::string top_dir;              // the archive's single top directory, if it had one
};

// Options for reading plain manifests.
struct ManifestOptions
{
  std::string default_namespace = "default"; // for objects without metadata.namespace
};

// Reads INPUT arguments: at most one cluster input (a tar.gz or tar archive, a bundle directory,
// a `kubectl cluster-info dump` as a directory or as kubectl's stdout in a file or on stdin, or
// manifests: files, directories or `-` for stdin, which may be several) plus any number of Coder
// support zips (mounted under `coder/support-bundle/`; a later zip, or one added to an archive
// that already holds one, goes under the first free `coder/support-bundle-<n>/`). Nothing is
// written anywhere. Errors name the argument.
Result<LoadedInput> load_inputs(const std::vector<std::string>& args, const ReadLimits& limits = {},
                                const ManifestOptions& manifest_options = {});

// Reads a directory tree into a bundle under the same rules as archives: symlinks are not
// followed (one leading outside the directory is an error), and the limits apply.
Result<Bundle> read_directory(const std::string& dir, const ReadLimits& limits = {});

// True when `bundle` holds the files of a `coder support bundle` zip (deployment/, agent/,
// network/ or workspace/ files at its root).
bool looks_like_coder_support(const Bundle& bundle);

// If every path of `bundle` sits under one top directory and the root holds no bundle marker,
// moves them up one level and returns the directory's name; otherwise returns an empty string.
std::string strip_single_top_dir(Bundle& bundle);

} // namespace cva
