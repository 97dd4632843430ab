#include "video/av_common.h"

#include <cerrno>
#include <mutex>

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace faceveil::video {

void OutputFormatDeleter::operator()(AVFormatContext* c) const {
  if (c == nullptr) return;
  if (c->flags & AVFMT_FLAG_CUSTOM_IO) {
    // Ours (OutputVideo writes through a descriptor it does not own): the
    // context and its buffer are freed, the descriptor is left open.
    if (c->pb != nullptr) av_freep(&c->pb->buffer);
    avio_context_free(&c->pb);
  } else if (c->oformat != nullptr && !(c->oformat->flags & AVFMT_NOFILE)) {
    avio_closep(&c->pb);
  }
  avformat_free_context(c);
}

std::string AvErrorText(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

Status AvStatus(int err, const std::string& what) {
  std::string msg = what + ": " + AvErrorText(err);
  if (err == AVERROR(ENOENT)) return Status::NotFound(msg);
  if (err == AVERROR_INVALIDDATA || err == AVERROR_EOF) {
    return Status::Corrupt(msg);
  }
  if (err == AVERROR(ENOMEM)) return Status::TooLarge(msg);
  if (err == AVERROR(EIO) || err == AVERROR(EACCES) || err == AVERROR(ENOSPC) ||
      err == AVERROR(EROFS) || err == AVERROR(EISDIR)) {
    return Status::IoError(msg);
  }
  if (err == AVERROR_DECODER_NOT_FOUND || err == AVERROR_DEMUXER_NOT_FOUND ||
      err == AVERROR_PATCHWELCOME) {
    return Status::Unsupported(msg);
  }
  return Status::Internal(msg);
}

void InitAvLogging() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_ERROR); });
}

}  // namespace faceveil::video
