#pragma once

#include <core/bundle/bundle.hpp>
#include <core/util/result.hpp>

#include <optional>
#include <string_view>

namespace cva {

// `kubectl cluster-info dump` in both of its forms.
//
// The directory form (`--output-directory DIR`) holds `nodes.json`, `<namespace>/<kind>.json` and
// `<namespace>/<pod>/logs.txt`. The stdout form is the same content in one stream: pretty-printed
// JSON Lists one after another (each opening `{` and closing `}` in column 0) with each pod's logs
// between `==== START logs for container C of pod NS/POD ====` and `==== END logs ... ====` lines.

// True when `bundle` (a directory read as it is) has the directory form's shape.
bool looks_like_cluster_info_dump(const Bundle& bundle);

// True when `text` starts like the stdout form: a JSON object of kind NodeList followed by more.
bool looks_like_cluster_info_dump_stream(std::string_view text);

// Splits the stdout form into the directory form's files. A List's namespace comes from its items,
// or, for an empty List, from the other Lists and logs of the same namespace's block (which starts
// with its EventList); empty Lists of a namespace nothing names are dropped. A chunk that is not
// JSON is an error naming `what` and the line.
Result<Bundle> split_cluster_info_dump_stream(std::string_view text, std::string_view what);

// Maps the directory form to our layout (`cluster-resources/`, logs split per container). Every
// cluster has kube-system, so a dump without it was cut short: each dumped kind then carries an
// errors file saying which namespaces were seen.
Bundle convert_cluster_info_dump(const Bundle& dump);

} // namespace cva
