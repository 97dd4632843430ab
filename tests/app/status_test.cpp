#include "faceveil/status.h"

#include <gtest/gtest.h>

#include <string>

namespace faceveil {
namespace {

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  const Status s = Status::Corrupt("bad header");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_EQ(s.ToString(), "corrupt: bad header");
  EXPECT_EQ(s.WithContext("a.jpg").message(), "a.jpg: bad header");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
  EXPECT_EQ(Status::Cancelled("stopped").ToString(), "cancelled: stopped");
}

TEST(StatusTest, ResultHoldsValueOrError) {
  Result<std::string> good(std::string("yes"));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, "yes");
  EXPECT_EQ(good->size(), 3u);
  Result<std::string> bad(Status::NotFound("nothing"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kNotFound);
}

Status Fails() { return Status::IoError("disk"); }
Status Propagates() {
  FACEVEIL_RETURN_IF_ERROR(Status::Ok());
  FACEVEIL_RETURN_IF_ERROR(Fails());
  return Status::Internal("not reached");
}

TEST(StatusTest, ReturnIfErrorPropagates) {
  EXPECT_EQ(Propagates().code(), Status::Code::kIoError);
}

}  // namespace
}  // namespace faceveil
