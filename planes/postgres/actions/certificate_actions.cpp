// The certificate table's actions: issue the first certificate, rotate it
// (before expiry, after expiry, or onto a new leader after a failover) and
// revoke it at deprovisioning.
#include "planes/postgres/actions.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {
namespace {

using core::InfraVerb;
using core::StepContext;
using core::StepResult;

// Re-delivery. The runner is at-least-once and a finished execution's record
// is erased, so the same execution may be delivered again from its first
// step with none of its vars. The certificate itself therefore says which
// execution issued its serial (issued_by), and the first step of each
// action ends a duplicate there: asked again under the same key, the fleet
// API returns the operation it already ran, and counting it as a new serial
// would record one that does not exist. The execution that issues a serial
// commits issued_by in the same step that advances its record past `issue`,
// so a step that finds its own id there is always a duplicate.
std::optional<StepResult> already_issued(StepContext& ctx, const Certificate& cert) {
  UNWEDGE_ASSERT(!ctx.action_id().empty());
  if (cert.issued_by != ctx.action_id()) return std::nullopt;
  return StepResult::finish(
      fmt::format("serial {} was issued by this execution, which has finished", cert.serial));
}

// A certificate to be revoked (its service is being deprovisioned) is no
// longer issued or installed: the service's servers are destroyed under the
// rotation, an install on a destroyed leader fails for ever, and the
// rotation would hold the certificate's slot, so the revocation that the
// deprovisioning waits for would never start. The action ends; the table
// then revokes the certificate.
std::optional<StepResult> to_be_revoked(const Certificate& cert) {
  UNWEDGE_ASSERT(!cert.id.empty());
  if (!cert.revoke_requested) return std::nullopt;
  return StepResult::end("the certificate is to be revoked");
}

// Has a new serial issued for the subject certificate; the serial, expiry
// and issuing execution are recorded once, on the run that sees it succeed.
StepResult issue(StepContext& ctx, const Settings& settings) {
  std::optional<Certificate> cert = ctx.txn().get<Certificate>(ctx.subject());
  if (!cert) return StepResult::end("the certificate is gone");
  if (std::optional<StepResult> duplicate = already_issued(ctx, *cert)) return *duplicate;
  if (std::optional<StepResult> revoked = to_be_revoked(*cert)) return *revoked;
  if (!is_in(certificate_machine(), *cert, {"issuing", "rotating"})) {
    return StepResult::end(
        fmt::format("the certificate is {}", state_name(certificate_machine(), *cert)));
  }
  UNWEDGE_ASSERT(!cert->service.empty());
  core::Operation op =
      call_with_retry(ctx, pgworld::kIssueCertificate, cert->id, cert->service, "issue");
  if (progress(op) != OpProgress::kDone) return StepResult::wait("issuing " + cert->id);
  const std::uint32_t serial_before = cert->serial;
  cert->serial++;
  cert->not_after_us = ctx.now_us() + settings.certificate_validity_us;
  cert->issued_by = ctx.action_id();
  ctx.txn().put(*cert);
  // One new serial, recorded once, with the execution that issued it.
  UNWEDGE_ASSERT_EQ(cert->serial, serial_before + 1);
  UNWEDGE_ASSERT_EQ(ctx.txn().view<Certificate>(cert->id)->issued_by, ctx.action_id());
  return StepResult::next();
}

// Installs the certificate on whichever server leads the service now, read
// by id at this step: a failover during the rotation is caught by the
// LeaderChanged signal afterwards, never by installing on a stale leader.
StepResult install(StepContext& ctx, const Settings& settings) {
  std::optional<Certificate> cert = ctx.txn().get<Certificate>(ctx.subject());
  if (!cert) return StepResult::end("the certificate is gone");
  if (std::optional<StepResult> revoked = to_be_revoked(*cert)) return *revoked;
  std::optional<Service> service = ctx.txn().get<Service>(cert->service);
  if (!service) return StepResult::end("the service is gone");
  // issue ran to its end in this execution before this step.
  UNWEDGE_ASSERT_EQ(cert->issued_by, ctx.action_id());
  UNWEDGE_ASSERT_LT(0u, cert->serial);
  std::string target = service->leader;
  if (UNWEDGE_MUTANT(settings, kRotationSkipsNewLeader) && !cert->installed_on.empty()) {
    target = cert->installed_on;
  }
  // MUTANT (install_retried_under_same_key): a refused install is asked
  // again under the key it was refused under, which the fleet API answers
  // with the same refusal for ever.
  core::Operation op =
      UNWEDGE_MUTANT(settings, kInstallRetriedUnderSameKey)
          ? ctx.call(pgworld::kInstallCertificate, target, cert->id, "install-" + target)
          : call_with_retry(ctx, pgworld::kInstallCertificate, target, cert->id,
                            "install-" + target);
  if (progress(op) != OpProgress::kDone) return StepResult::wait("installing on " + target);
  UNWEDGE_ASSERT(op.done());
  cert->installed_on = service->leader;
  ctx.txn().put(*cert);
  UNWEDGE_ASSERT_EQ(cert->installed_on, service->leader);
  return StepResult::next();
}

StepResult finish(StepContext& ctx, const Settings& settings, std::string_view from,
                  std::string_view cause) {
  std::optional<Certificate> cert = ctx.txn().get<Certificate>(ctx.subject());
  if (!cert) return StepResult::end("the certificate is gone");
  if (!is_in(certificate_machine(), *cert, {from})) {
    return StepResult::end(
        fmt::format("the certificate is {}", state_name(certificate_machine(), *cert)));
  }
  // MUTANT (rotation_revokes_new_serial): the rotation retires the serial it
  // replaced, but revoke_certificate revokes every serial issued under the
  // id so far: the one just installed too.
  if (UNWEDGE_MUTANT(settings, kRotationRevokesNewSerial) && from == "rotating") {
    OpProgress op =
        progress(call_with_retry(ctx, pgworld::kRevokeCertificate, cert->id, "", "retire-old"));
    if (op != OpProgress::kDone) return StepResult::wait("revoking the superseded serial");
  }
  // Active only with a serial this execution issued.
  UNWEDGE_ASSERT_EQ(cert->issued_by, ctx.action_id());
  UNWEDGE_ASSERT_LT(0u, cert->serial);
  move(ctx, certificate_machine(), *cert, "active", cause);
  UNWEDGE_ASSERT(is_in(certificate_machine(), *cert, {"active"}));
  return StepResult::next();
}

// Starts a rotation of an expiring or expired certificate, or of an active
// one that is not on the service's leader (the LeaderChanged signal): an
// active certificate already on the leader has nothing to rotate, whatever
// started this execution.
StepResult begin_rotation(StepContext& ctx) {
  std::optional<Certificate> cert = ctx.txn().get<Certificate>(ctx.subject());
  if (!cert) return StepResult::end("the certificate is gone");
  if (std::optional<StepResult> duplicate = already_issued(ctx, *cert)) return *duplicate;
  if (is_in(certificate_machine(), *cert, {"rotating"})) return StepResult::next();
  if (!is_in(certificate_machine(), *cert, {"active", "expiring", "expired"})) {
    return StepResult::end(
        fmt::format("the certificate is {}", state_name(certificate_machine(), *cert)));
  }
  if (is_in(certificate_machine(), *cert, {"active"})) {
    std::optional<Service> service = ctx.txn().get<Service>(cert->service);
    if (!service || service->leader.empty() || cert->installed_on == service->leader) {
      return StepResult::end("the certificate is active on the service's leader");
    }
  }
  move(ctx, certificate_machine(), *cert, "rotating", "rotation_started");
  UNWEDGE_ASSERT(is_in(certificate_machine(), *cert, {"rotating"}));
  return StepResult::next();
}

StepResult revoke(StepContext& ctx) {
  std::optional<Certificate> cert = ctx.txn().get<Certificate>(ctx.subject());
  if (!cert) return StepResult::end("the certificate is gone");
  if (is_in(certificate_machine(), *cert, {"revoked"})) return StepResult::next();
  core::Operation op = call_with_retry(ctx, pgworld::kRevokeCertificate, cert->id, "", "revoke");
  if (progress(op) != OpProgress::kDone) return StepResult::wait("revoking " + cert->id);
  UNWEDGE_ASSERT(op.done());
  move(ctx, certificate_machine(), *cert, "revoked", "revoked");
  UNWEDGE_ASSERT(is_in(certificate_machine(), *cert, {"revoked"}));
  return StepResult::next();
}

}  // namespace

std::vector<core::ActionDef> certificate_actions(const Settings& settings) {
  auto issue_step = [settings](StepContext& ctx) { return issue(ctx, settings); };
  auto install_step = [settings](StepContext& ctx) { return install(ctx, settings); };
  core::ActionDef issue_def{
      .name = "IssueCertificate",
      .steps = {{"issue", issue_step},
                {"install", install_step},
                {"finish",
                 [settings](StepContext& ctx) {
                   return finish(ctx, settings, "issuing", "issued");
                 }}},
      .summary = "Issues a new service's first certificate and installs it on the leader.",
      .transitions = {{"certificate", "issuing", "active", "issued"}}};
  core::ActionDef rotate_def{
      .name = "RotateCertificate",
      .steps = {{"begin", begin_rotation},
                {"issue", issue_step},
                {"install", install_step},
                {"finish",
                 [settings](StepContext& ctx) {
                   return finish(ctx, settings, "rotating", "rotated");
                 }}},
      .summary =
          "Issues a new serial and installs it on whichever server leads now: before "
          "expiry, after it, or onto a new leader after a failover.",
      .transitions = {{"certificate", "rotating", "active", "rotated"}}};
  for (const char* from : {"active", "expiring", "expired"}) {
    rotate_def.transitions.push_back({"certificate", from, "rotating", "rotation_started"});
  }
  core::ActionDef revoke_def{
      .name = "RevokeCertificate",
      .steps = {{"revoke", revoke}},
      .summary = "Revokes the certificate of a service being deprovisioned."};
  for (const char* from : {"issuing", "active", "expiring", "rotating", "expired"}) {
    revoke_def.transitions.push_back({"certificate", from, "revoked", "revoked"});
  }
  // A rotation is the first issue plus its begin step.
  UNWEDGE_ASSERT_EQ(rotate_def.steps.size(), issue_def.steps.size() + 1);
  return {issue_def, rotate_def, revoke_def};
}

}  // namespace unwedge::postgres
