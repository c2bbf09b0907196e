#include "model/arg_list.h"

#include <algorithm>
#include <ostream>

namespace mr {

void ArgList::const_iterator::settle() {
    if (pos_ >= size_) {
        pos_ = size_;
        len_ = 0;
        return;
    }
    const void* nul = std::char_traits<char>::find(data_ + pos_, size_ - pos_, '\0');
    len_ = nul ? static_cast<size_t>(static_cast<const char*>(nul) - (data_ + pos_)) : size_ - pos_;
}

ArgList& ArgList::operator=(std::initializer_list<std::string_view> args) {
    joined_.clear();
    for (std::string_view a : args) push_back(a);
    return *this;
}

void ArgList::assign(const std::vector<std::string>& args) {
    joined_.clear();
    for (const std::string& a : args) push_back(a);
}

ArgList ArgList::from_cmdline(std::string_view data, size_t max_args) {
    ArgList out;
    if (!data.empty() && data.back() == '\0') data.remove_suffix(1);
    if (data.empty() || max_args == 0) return out;
    // Cut after the max_args-th argument.
    size_t pos = 0, kept = 1;
    for (; kept < max_args; ++kept) {
        size_t nul = data.find('\0', pos);
        if (nul == std::string_view::npos) break;
        pos = nul + 1;
    }
    if (kept == max_args) {
        size_t nul = data.find('\0', pos);
        if (nul != std::string_view::npos) data = data.substr(0, nul);
    }
    out.joined_.reserve(data.size() + 1);   // exact: no slack on 10,000 processes
    out.joined_.assign(data);
    out.joined_.push_back('\0');
    return out;
}

void ArgList::push_back(std::string_view arg) {
    size_t nul = arg.find('\0');
    if (nul != std::string_view::npos) arg = arg.substr(0, nul);
    joined_.append(arg);
    joined_.push_back('\0');
}

size_t ArgList::size() const { return static_cast<size_t>(std::count(joined_.begin(), joined_.end(), '\0')); }

std::string_view ArgList::operator[](size_t i) const {
    auto it = begin();
    for (; i > 0 && it != end(); --i) ++it;
    return *it;
}

std::vector<std::string> ArgList::to_vector() const {
    std::vector<std::string> out;
    for (std::string_view a : *this) out.emplace_back(a);
    return out;
}

std::ostream& ArgList::print(std::ostream& os, const ArgList& a) {
    os << '{';
    bool first = true;
    for (std::string_view s : a) {
        os << (first ? "\"" : ", \"") << s << '"';
        first = false;
    }
    return os << '}';
}

}  // namespace mr
