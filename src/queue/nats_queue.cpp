#include "queue/nats_queue.h"

#include <nats/nats.h>

namespace shortstack::queue {
namespace {

Error nats_error(const std::string& what, natsStatus s, jsErrCode jerr = static_cast<jsErrCode>(0)) {
  std::string message = what + ": " + natsStatus_GetText(s);
  if (jerr) message += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
  return make_error(503, "queue_unavailable", message);
}

}  // namespace

Result<std::shared_ptr<NatsQueue>> NatsQueue::open(NatsOptions options) {
  std::shared_ptr<NatsQueue> q(new NatsQueue(std::move(options)));
  natsOptions* opts = nullptr;
  natsOptions_Create(&opts);
  natsOptions_SetURL(opts, q->options_.url.c_str());
  natsOptions_SetTimeout(opts, q->options_.timeout.count());
  natsOptions_SetMaxReconnect(opts, -1);  // keep trying: the server may restart under us
  natsOptions_SetReconnectWait(opts, 200);
  natsStatus s = natsConnection_Connect(&q->nc_, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) return nats_error("cannot connect to NATS", s);
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = q->options_.timeout.count();
  if ((s = natsConnection_JetStream(&q->js_, q->nc_, &jo)) != NATS_OK) return nats_error("no JetStream", s);

  jsStreamConfig sc;
  jsStreamConfig_Init(&sc);
  const std::string subjects = q->options_.subject_prefix + ".>";
  const char* subject_list[] = {subjects.c_str()};
  sc.Name = q->options_.stream.c_str();
  sc.Subjects = subject_list;
  sc.SubjectsLen = 1;
  sc.Retention = js_WorkQueuePolicy;
  sc.Storage = js_FileStorage;
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  s = js_AddStream(&si, q->js_, &sc, nullptr, &jerr);
  if (si) jsStreamInfo_Destroy(si);
  if (s != NATS_OK && jerr != JSStreamNameExistErr) return nats_error("cannot create stream " + q->options_.stream, s, jerr);
  return q;
}

NatsQueue::~NatsQueue() {
  for (auto& [tag, msg] : in_flight_) natsMsg_Destroy(msg);  // unacked: the server delivers them again
  for (auto& [name, sub] : subs_) natsSubscription_Destroy(sub);
  if (js_) jsCtx_Destroy(js_);
  if (nc_) natsConnection_Destroy(nc_);
}

std::string NatsQueue::consumer_name(std::string_view subject) const {
  std::string name = options_.stream + "_" + std::string(subject);
  for (char& c : name)
    if (c == '.' || c == '*' || c == '>' || c == ' ') c = '_';
  return name;
}

Status NatsQueue::publish(std::string_view subject, std::string_view payload) {
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const std::string wire = wire_subject(subject);
  natsStatus s = js_Publish(&ack, js_, wire.c_str(), payload.data(), static_cast<int>(payload.size()), nullptr, &jerr);
  if (ack) jsPubAck_Destroy(ack);
  if (s != NATS_OK) return nats_error("publish to " + wire + " failed", s, jerr);
  return ok_status();
}

// The durable consumer for the subject, created on first use and shared by every process: N
// workers fetching from it split the messages between them.
Result<natsSubscription*> NatsQueue::subscription(std::string_view subject) {
  if (auto it = subs_.find(subject); it != subs_.end()) return it->second;
  const std::string wire = wire_subject(subject), durable = consumer_name(subject);
  jsConsumerConfig cc;
  jsConsumerConfig_Init(&cc);
  cc.Durable = durable.c_str();
  cc.FilterSubject = wire.c_str();
  cc.AckPolicy = js_AckExplicit;
  cc.AckWait = std::chrono::duration_cast<std::chrono::nanoseconds>(options_.ack_wait).count();
  cc.MaxAckPending = 10000;
  jsConsumerInfo* ci = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_AddConsumer(&ci, js_, options_.stream.c_str(), &cc, nullptr, &jerr);
  if (ci) jsConsumerInfo_Destroy(ci);
  if (s != NATS_OK && jerr != JSConsumerNameExistErr && jerr != JSConsumerExistingActiveErr)
    return nats_error("cannot create consumer " + durable, s, jerr);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = options_.stream.c_str();
  so.Consumer = durable.c_str();
  so.ManualAck = true;
  natsSubscription* sub = nullptr;
  if ((s = js_PullSubscribe(&sub, js_, wire.c_str(), durable.c_str(), nullptr, &so, &jerr)) != NATS_OK)
    return nats_error("cannot bind to consumer " + durable, s, jerr);
  subs_.emplace(std::string(subject), sub);
  return sub;
}

Result<std::vector<Message>> NatsQueue::fetch(std::string_view subject, size_t max, std::chrono::milliseconds wait) {
  std::lock_guard lock(mu_);
  auto sub = subscription(subject);
  if (!sub) return sub.error();
  natsMsgList list{};
  jsErrCode jerr = static_cast<jsErrCode>(0);
  // A pull is a request to the server: one that expires within a millisecond or two can come back
  // empty while messages wait (a worker starting on a backlog saw seconds of empty rounds).
  const int64_t expires = std::max<int64_t>(kMinFetchWait.count(), wait.count());
  const natsStatus s = natsSubscription_Fetch(&list, *sub, static_cast<int>(max), expires, &jerr);
  std::vector<Message> out;
  if (s == NATS_TIMEOUT) return out;
  if (s != NATS_OK) return nats_error("fetch from " + wire_subject(subject) + " failed", s, jerr);
  for (int i = 0; i < list.Count; ++i) {
    natsMsg* msg = list.Msgs[i];
    list.Msgs[i] = nullptr;  // ours now, until acked or nacked
    Message m;
    m.delivery_tag = next_tag_++;
    m.subject = std::string(subject);
    m.payload.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK && meta) {
      m.deliveries = static_cast<int>(meta->NumDelivered);
      jsMsgMetaData_Destroy(meta);
    }
    in_flight_.emplace(m.delivery_tag, msg);
    out.push_back(std::move(m));
  }
  natsMsgList_Destroy(&list);
  return out;
}

natsMsg* NatsQueue::take(const Message& m) {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(m.delivery_tag);
  if (it == in_flight_.end()) return nullptr;
  natsMsg* msg = it->second;
  in_flight_.erase(it);
  return msg;
}

Status NatsQueue::ack(const Message& m) {
  natsMsg* msg = take(m);
  if (!msg) return make_error(404, "unknown_delivery", "this message was already acked or nacked");
  // Synchronous: when this returns, the server has removed the message.
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = natsMsg_AckSync(msg, nullptr, &jerr);
  natsMsg_Destroy(msg);
  if (s != NATS_OK) return nats_error("ack failed", s, jerr);
  return ok_status();
}

Status NatsQueue::nack(const Message& m) {
  natsMsg* msg = take(m);
  if (!msg) return make_error(404, "unknown_delivery", "this message was already acked or nacked");
  const natsStatus s = natsMsg_Nak(msg, nullptr);
  natsMsg_Destroy(msg);
  if (s != NATS_OK) return nats_error("nak failed", s);
  return ok_status();
}

Result<size_t> NatsQueue::pending(std::string_view subject) {
  std::lock_guard lock(mu_);
  if (auto sub = subscription(subject); !sub) return sub.error();
  jsConsumerInfo* ci = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetConsumerInfo(&ci, js_, options_.stream.c_str(), consumer_name(subject).c_str(), nullptr, &jerr);
  if (s != NATS_OK) return nats_error("consumer info failed", s, jerr);
  const size_t n = static_cast<size_t>(ci->NumPending) + static_cast<size_t>(ci->NumAckPending);
  jsConsumerInfo_Destroy(ci);
  return n;
}

}  // namespace shortstack::queue
