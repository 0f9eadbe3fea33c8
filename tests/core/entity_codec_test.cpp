// EntityCodecs: an entity written as a database keeps it reads back equal,
// and every way a row or a declaration can be wrong is an error that says
// which entity and what to do.
#include "core/entity_codec.hpp"

#include <string>

#include <gtest/gtest.h>

#include "core/action.hpp"
#include "core/assert.hpp"
#include "core/scheduler.hpp"

namespace unwedge::core {
namespace {

struct Volume {
  static constexpr std::string_view kKind = "volume";
  std::string id;
  MachineState state;
  std::uint64_t bytes = 0;
  friend bool operator==(const Volume&, const Volume&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Volume, id, state, bytes)

// Another type claiming the same kind: a plane's mistake.
struct OtherVolume {
  static constexpr std::string_view kKind = "volume";
  std::string id;
  friend bool operator==(const OtherVolume&, const OtherVolume&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OtherVolume, id)

EntityCodecs volume_codecs() {
  EntityCodecs codecs;
  add_framework_entities(codecs);
  codecs.add<Volume>();
  return codecs;
}

TEST(EntityCodec, AnEntityReadsBackEqualWithEveryField) {
  const EntityCodecs codecs = volume_codecs();
  const Volume volume{.id = "v1", .state = {.id = 3, .entered_us = 17}, .bytes = 1ULL << 40};
  Result<std::string> text = codecs.encode(*make_stored(volume));
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("\"bytes\":1099511627776"), std::string::npos) << *text;
  Result<std::shared_ptr<const StoredValue>> back = codecs.decode("volume", "v1", *text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE((*back)->equals(*make_stored(volume)));
  EXPECT_EQ((*back)->type(), typeid(Volume));
}

TEST(EntityCodec, TheFrameworksActionRecordsAndSlotsReadBackEqual) {
  const EntityCodecs codecs = volume_codecs();
  const ActionRecord record{.id = "failover/db1/3",
                            .action = "Failover",
                            .subject = "db1",
                            .next_step = 2,
                            .waits = 1,
                            .status = ActionStatus::kEnded,
                            .note = "the standby is gone",
                            .vars = {{"standby", "db1-2"}, {"lsn", "42"}},
                            .started_us = 5,
                            .updated_us = 9};
  const ActionSlot slot{.id = "service/db1", .running = "failover/db1/3", .executions = 3};
  for (const std::shared_ptr<const StoredValue>& value : {make_stored(record), make_stored(slot)}) {
    Result<std::string> text = codecs.encode(*value);
    ASSERT_TRUE(text.ok()) << text.error().message;
    Result<std::shared_ptr<const StoredValue>> back =
        codecs.decode(value->kind(), value->id(), *text);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE((*back)->equals(*value)) << *text;
  }
  EXPECT_EQ(codecs.kinds(), (std::vector<std::string>{"action", "action_slot", "volume"}));
}

TEST(EntityCodec, AKindNeverDeclaredCannotBeWrittenAndSaysWhereToDeclareIt) {
  EntityCodecs codecs;
  add_framework_entities(codecs);
  Result<std::string> text = codecs.encode(*make_stored(Volume{.id = "v1"}));
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("kind volume"), std::string::npos) << text.error().message;
  EXPECT_NE(text.error().message.find("PlaneInfo::entities"), std::string::npos);
}

TEST(EntityCodec, ARowOfAnUnknownKindNamesTheKindsKnown) {
  const EntityCodecs codecs = volume_codecs();
  Result<std::shared_ptr<const StoredValue>> back = codecs.decode("disk", "d1", "{\"id\":\"d1\"}");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("disk/d1"), std::string::npos) << back.error().message;
  EXPECT_NE(back.error().message.find("action, action_slot, volume"), std::string::npos);
}

TEST(EntityCodec, ARowThatNoLongerReadsAsItsTypeIsAnErrorNamingIt) {
  const EntityCodecs codecs = volume_codecs();
  const char* broken[] = {
      "{\"id\":\"v1\",\"state\":{\"id\":1,\"entered_us\":0}",                   // cut short
      "{\"id\":\"v1\",\"state\":{\"id\":1,\"entered_us\":0}}",                  // a field missing
      "{\"id\":\"v1\",\"state\":{\"id\":1,\"entered_us\":0},\"bytes\":\"x\"}",  // a wrong type
      "[]",
  };
  for (const char* text : broken) {
    Result<std::shared_ptr<const StoredValue>> back = codecs.decode("volume", "v1", text);
    ASSERT_FALSE(back.ok()) << text;
    EXPECT_NE(back.error().message.find("volume/v1 as stored does not read as a volume"),
              std::string::npos)
        << back.error().message;
  }
}

TEST(EntityCodec, ARowCarryingAnotherIdIsAnError) {
  const EntityCodecs codecs = volume_codecs();
  Result<std::string> text = codecs.encode(*make_stored(Volume{.id = "v2"}));
  ASSERT_TRUE(text.ok());
  Result<std::shared_ptr<const StoredValue>> back = codecs.decode("volume", "v1", *text);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("carries the id 'v2'"), std::string::npos)
      << back.error().message;
}

TEST(EntityCodec, AKindDeclaredTwiceWithOneTypeIsHarmlessWithTwoABrokenContract) {
  ThrowingAssertions throwing;
  EntityCodecs codecs = volume_codecs();
  codecs.add<Volume>();
  EXPECT_EQ(codecs.kinds().size(), 3U);
  EXPECT_THROW(codecs.add<OtherVolume>(), AssertionFailure);
}

}  // namespace
}  // namespace unwedge::core
