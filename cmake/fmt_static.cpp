// fmt's compiled part, for static builds (CVA_LINK, cmake/CvaStaticDeps.cmake). Debian's libfmt-dev
// ships fmt as a shared library only, with its implementation as the header fmt/format-inl.h.
// Including that header in every file (FMT_HEADER_ONLY) costs seconds of compile time per file;
// compiling it here once, with the explicit instantiations that fmt's own library build makes for
// the templates format.h declares extern, gives the same code as libfmt.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template FMT_API locale_ref::locale_ref(const std::locale& loc);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;

} // namespace detail
FMT_END_NAMESPACE
