// Entity: a typed record the control plane keeps in its Store, found by id.
//
// Any copyable, equality-comparable struct with a `static constexpr
// std::string_view kKind` and a `std::string id` member is an entity. The
// Store holds it type-erased and immutable (StoredValue), so a snapshot of a
// whole store is a cheap copy of pointers and two snapshots compare by value.
// An overload `std::string describe(const T&)` found by ADL, if present, is
// used in diffs and traces.
//
//   struct Service {
//     static constexpr std::string_view kKind = "service";
//     std::string id;
//     StateId state = 0;
//     std::string leader_server;
//     friend bool operator==(const Service&, const Service&) = default;
//   };
#pragma once

#include <concepts>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>

namespace unwedge::core {

template <class T>
concept Entity = std::copyable<T> && std::equality_comparable<T> && requires(const T& e) {
  { T::kKind } -> std::convertible_to<std::string_view>;
  { e.id } -> std::convertible_to<const std::string&>;
};

template <class T>
concept Describable = requires(const T& e) {
  { describe(e) } -> std::convertible_to<std::string>;
};

// One immutable stored entity, with its type erased.
class StoredValue {
 public:
  virtual ~StoredValue() = default;
  virtual std::string_view kind() const = 0;
  virtual const std::string& id() const = 0;
  virtual const std::type_info& type() const = 0;
  virtual bool equals(const StoredValue& other) const = 0;
  virtual std::string describe_value() const = 0;
};

template <Entity T>
class StoredEntity final : public StoredValue {
 public:
  explicit StoredEntity(T value) : value_(std::move(value)) {}

  const T& value() const { return value_; }
  std::string_view kind() const override { return T::kKind; }
  const std::string& id() const override { return value_.id; }
  const std::type_info& type() const override { return typeid(T); }
  bool equals(const StoredValue& other) const override {
    return other.type() == typeid(T) && static_cast<const StoredEntity<T>&>(other).value_ == value_;
  }
  std::string describe_value() const override {
    if constexpr (Describable<T>) {
      return describe(value_);
    } else {
      return fmt::format("{}/{}", T::kKind, value_.id);
    }
  }

 private:
  T value_;
};

template <Entity T>
std::shared_ptr<const StoredValue> make_stored(T value) {
  return std::make_shared<const StoredEntity<T>>(std::move(value));
}

}  // namespace unwedge::core
