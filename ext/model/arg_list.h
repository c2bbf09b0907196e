// A process's command line as the kernel keeps it: the arguments back to back, each ending in a
// NUL, in one string. Reads like a std::vector of string_views. 10,000 processes' argv vectors
// (a std::string and a heap block per argument) cost the collector ~2.5 MB at its peak; this
// costs one allocation per process. An argument cannot hold a NUL (the kernel's cannot either):
// one added with a NUL is cut there.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <iosfwd>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace mr {

class ArgList {
public:
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::string_view*;
        using reference = std::string_view;
        const_iterator() = default;
        std::string_view operator*() const { return std::string_view(data_ + pos_, len_); }
        const_iterator& operator++() {
            pos_ += len_ + 1;
            settle();
            return *this;
        }
        const_iterator operator++(int) { const_iterator t = *this; ++*this; return t; }
        bool operator==(const const_iterator& o) const { return pos_ == o.pos_; }
        bool operator!=(const const_iterator& o) const { return pos_ != o.pos_; }

    private:
        friend class ArgList;
        const_iterator(const char* data, size_t size, size_t pos) : data_(data), size_(size), pos_(pos) { settle(); }
        void settle();   // len_ of the argument at pos_
        const char* data_ = nullptr;
        size_t size_ = 0, pos_ = 0, len_ = 0;
    };

    ArgList() = default;
    ArgList(std::initializer_list<std::string_view> args) { for (std::string_view a : args) push_back(a); }
    ArgList(const std::vector<std::string>& args) { assign(args); }
    ArgList& operator=(const std::vector<std::string>& args) { assign(args); return *this; }
    ArgList& operator=(std::initializer_list<std::string_view> args);

    // From /proc/PID/cmdline as read: NUL-separated, the last NUL optional; at most max_args kept.
    static ArgList from_cmdline(std::string_view data, size_t max_args = 512);

    void push_back(std::string_view arg);
    void emplace_back(std::string_view arg) { push_back(arg); }
    void clear() { joined_.clear(); }
    bool empty() const { return joined_.empty(); }
    size_t size() const;
    std::string_view operator[](size_t i) const;   // i < size()
    std::string_view front() const { return *begin(); }
    const_iterator begin() const { return const_iterator(joined_.data(), joined_.size(), 0); }
    const_iterator end() const { return const_iterator(joined_.data(), joined_.size(), joined_.size()); }
    std::vector<std::string> to_vector() const;

    friend bool operator==(const ArgList& a, const ArgList& b) { return a.joined_ == b.joined_; }
    friend bool operator!=(const ArgList& a, const ArgList& b) { return !(a == b); }
    friend bool operator==(const ArgList& a, const std::vector<std::string>& b) { return a == ArgList(b); }
    friend bool operator!=(const ArgList& a, const std::vector<std::string>& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& os, const ArgList& a) { return print(os, a); }

private:
    void assign(const std::vector<std::string>& args);
    static std::ostream& print(std::ostream& os, const ArgList& a);
    std::string joined_;   // every argument followed by its NUL
};

}  // namespace mr
