// Result<T>: a value or an Error, for failures a caller is expected to handle.
//
// Production code in core/ reports refusals and bad definitions as values, not
// exceptions, so a caller cannot forget that an operation may be refused.
//
//   Result<StateId> state = machine.find_state("available");
//   if (!state) return state.error();
//   use(*state);
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/assert.hpp"

namespace unwedge::core {

struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : storage_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return storage_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    UNWEDGE_ASSERT(ok());
    return std::get<0>(storage_);
  }
  T& value() & {
    UNWEDGE_ASSERT(ok());
    return std::get<0>(storage_);
  }
  T&& value() && {
    UNWEDGE_ASSERT(ok());
    return std::get<0>(std::move(storage_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const {
    UNWEDGE_ASSERT(!ok());
    return std::get<1>(storage_);
  }

 private:
  std::variant<T, Error> storage_;
};

// Status: a Result with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  static Status Ok() { return {}; }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    UNWEDGE_ASSERT(failed_);
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace unwedge::core
