#!/usr/bin/env bash
# Mutation check of the on-sale tests (issue 18, item 6): apply deliberate
# breakages, one at a time, to a scratch copy of the committed tree, and see
# whether the test suite notices each one.
#
# Rerun from the repository root:
#
#   bash tests/mutants.sh                 # every breakage
#   bash tests/mutants.sh breaker rate    # only those whose name contains a word
#
# It copies HEAD (`git archive`, so uncommitted edits are not included) to
# $SCRATCH (default /work/mutants-scratch), builds there with its own
# CARGO_TARGET_DIR (default /work/mutants-target; release without LTO, so a
# breakage rebuilds in about a minute), and runs the on-sale tests
# ($TESTS, default "features:: features_more:: failures:: onsale::
# postmortem::") once per breakage. Each breakage
# is one sed edit on one file; the script checks that the edit changed the
# file and reports "not applied" otherwise (the code moved: update the line).
# The shared tree is never touched. Not part of CI: about a minute per
# breakage on 2 cores. Prints one line per breakage and a summary; exits 1 if
# any breakage was missed or failed to apply.
set -uo pipefail

REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
SCRATCH=${SCRATCH:-/work/mutants-scratch}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/mutants-target}
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_DEBUG=0
TESTS=${TESTS:-"features:: features_more:: failures:: onsale:: postmortem::"}

# name | file | sed script
BREAKAGES=$(cat <<'EOF'
breaker-never-opens|src/resilience/breaker.rs|s/if half_open || self.consecutive_failures >= self.threshold {/if false {/
breaker-open-for-doubled|src/resilience/breaker.rs|s/until: now + self.open_for,/until: now + self.open_for + self.open_for,/
replica-lag-ignored|src/onsale/inventory.rs|s/&& now.since(\*read_at) < self.replica_lag/\&\& false/
rate-limit-passes-everything|src/onsale/controls/rate_limiter.rs|s/if tat.since(now) > self.tolerance {/if false {/
rate-limit-one-global-bucket|src/onsale/controls/rate_limiter.rs|s/let slot = &mut self.tat\[session as usize\];/let slot = \&mut self.tat[0];/
rate-limit-burst-off-by-one|src/onsale/controls/rate_limiter.rs|s/i64::from(spec.burst) - 1/i64::from(spec.burst)/
shedding-by-length-off|src/onsale/controls/shedding.rs|s/.is_some_and(|limit| queued >= limit as usize)/.is_some_and(|_| false)/
shedding-by-delay-off|src/onsale/controls/shedding.rs|s/.is_some_and(|delay| waited > delay)/.is_some_and(|_| false)/
fault-crash-no-effect|src/onsale/faults.rs|s/self.app_instances_down.insert(instance);/let _ = instance;/
fault-capacity-drop-no-effect|src/onsale/faults.rs|s/FaultKind::CapacityDrop => self.capacity\[at\] \*= 1.0 - fault.fraction,/FaultKind::CapacityDrop => {}/
fault-added-latency-no-effect|src/onsale/faults.rs|/FaultKind::AddedLatency => {/{n;s/.*/{}/}
fault-error-rate-no-effect|src/onsale/faults.rs|/FaultKind::ErrorRate => {/{n;s/.*/{}/}
fault-db-failover-no-effect|src/onsale/faults.rs|s/FaultKind::DbFailover => self.database_down = true,/FaultKind::DbFailover => {}/
fault-cdn-outage-no-effect|src/onsale/faults.rs|s/FaultKind::CdnOutage => self.cdn_down = true,/FaultKind::CdnOutage => {}/
fault-payment-brownout-no-effect|src/onsale/faults.rs|/FaultKind::PaymentBrownout => {/{n;s/.*//;n;s/.*//}
fault-replica-lag-spike-no-effect|src/onsale/faults.rs|/FaultKind::ReplicaLagSpike => {/{n;s/.*//;n;s/.*//}
random-faults-never-drawn|src/onsale/faults.rs|s/for instance in 0..spec.app.servers {/for instance in 0..0 {/
cdn-hit-ratio-ignored|src/onsale/components/cdn.rs|s/let hit = self.rng.random::<f64>() < self.hit_ratio;/let hit = self.rng.random::<f64>() < 1.0;/
payment-declines-ignored|src/onsale/components/payment.rs|s/let declined = self.rng.random::<f64>() < self.decline_rate;/let declined = self.rng.random::<f64>() < 0.0;/
payment-retries-ignored|src/onsale/world/journey.rs|s/if record.payment_attempts > self.behaviour.payment_retries {/if record.payment_attempts > 0 {/
abandon-cart-ignored|src/onsale/world/journey.rs|s/behaviour.rng.random::<f64>() < behaviour.abandon_cart/behaviour.rng.random::<f64>() < 0.0/
patience-ignored|src/onsale/world/journey.rs|s/scheduler.after(patience, Event::FanLosesPatience(fan));/let _ = patience;/
token-ttl-ignored|src/onsale/world/journey.rs|s/&& now > record.admitted + self.token_ttl/\&\& false/
hold-ttl-doubled|src/onsale/inventory.rs|s/(now + ttl).0/(now + ttl + ttl).0/g
outflow-doubled|src/onsale/components/waiting_room.rs|s|per_second: spec.outflow_per_min / 60.0,|per_second: spec.outflow_per_min / 30.0,|
adaptive-outflow-never-cuts|src/onsale/controls/adaptive_outflow.rs|s/current \* 0.7/current/
autoscaler-boot-zero|src/onsale/world/operations.rs|s/.map_or(Span::ZERO, Autoscaler::boot);/.map_or(Span::ZERO, \|_\| Span::ZERO);/
autoscaler-stabilization-ignored|src/onsale/controls/autoscaler.rs|s/let horizon = now - spec.stabilization.span();/let horizon = now;/
autoscaler-max-factor-doubled|src/onsale/controls/autoscaler.rs|s/(f64::from(current) \* spec.max_factor)/(f64::from(current) * 2.0 * spec.max_factor)/
show-switching-off|src/onsale/world/journey.rs|s/.filter(|show| \*show != current)/.filter(|_| false)/
sold-out-fans-keep-retrying|src/onsale/world/journey.rs|s/if self.inventory.free() + self.inventory.held() == 0 {/if false {/
fans-leave-while-holds-live|src/onsale/world/journey.rs|s/if self.inventory.free() + self.inventory.held() == 0 {/if self.inventory.free() == 0 {/
bots-order-limit-ignored|src/onsale/population.rs|/let tickets = if is_bot {/{n;s/.*/        1/}
bots-one-session|src/onsale/population.rs|/let sessions = if is_bot {/{n;s/.*/        1/}
runbook-add-servers-ignored|src/onsale/world/operations.rs|s/ActionKind::AddAppServers => self.add_instances(now, step.amount as u32, scheduler),/ActionKind::AddAppServers => {}/
runbook-set-outflow-ignored|src/onsale/world/operations.rs|s/ActionKind::SetOutflow => self.room.set_outflow(step.amount),/ActionKind::SetOutflow => {}/
runbook-enable-shedding-ignored|src/onsale/world/operations.rs|s/ActionKind::EnableShedding => self.app.shed_from_queue_length(step.amount as u32),/ActionKind::EnableShedding => {}/
retry-attempts-off-by-one|src/onsale/world/journey.rs|s/(None, false) => behaviour.retry_attempts,/(None, false) => behaviour.retry_attempts + 1,/
backoff-one-step-late|src/onsale/world/journey.rs|s/backoff.delay(u32::from(errors) - 1,/backoff.delay(u32::from(errors),/
backoff-max-attempts-off-by-one|src/onsale/world/journey.rs|s/.saturating_sub(1)$/.saturating_sub(0)/
retry-budget-ignored|src/onsale/world/journey.rs|s/.is_some_and(|budget| !budget.try_retry());/.is_some_and(|_| false);/
postmortem-saturation-picks-least-busy|src/report/postmortem/factors.rs|s/components.sort_by(|a, b| b.1.total_cmp(\&a.1));/components.sort_by(|a, b| a.1.total_cmp(\&b.1));/
EOF
)

mkdir -p "$SCRATCH"
rm -rf "$SCRATCH/tree" "$SCRATCH/pristine"
mkdir -p "$SCRATCH/tree"
git -C "$REPO" archive HEAD | tar -x -C "$SCRATCH/tree"
cp -r "$SCRATCH/tree/src" "$SCRATCH/pristine"
cd "$SCRATCH/tree" || exit 2

echo "mutation check of $(git -C "$REPO" rev-parse --short HEAD) in $SCRATCH/tree, tests: $TESTS"
# The unbroken tree must pass, or every breakage would look caught.
if ! cargo test --release --test suite -q -- $TESTS >"$SCRATCH/unbroken.log" 2>&1; then
    echo "the unbroken tree fails its tests: see $SCRATCH/unbroken.log"
    exit 2
fi

caught=0 missed=0 broken=0
report=()
while IFS='|' read -r name file script; do
    [ -z "$name" ] && continue
    if [ $# -gt 0 ]; then
        wanted=no
        for word in "$@"; do [[ $name == *"$word"* ]] && wanted=yes; done
        [ $wanted = no ] && continue
    fi
    sed -i -e "$script" "$file"
    if cmp -s "$file" "$SCRATCH/pristine/${file#src/}"; then
        verdict="NOT APPLIED"
        broken=$((broken + 1))
    else
        log="$SCRATCH/$name.log"
        start=$(date +%s)
        cargo test --release --test suite -q -- $TESTS >"$log" 2>&1
        status=$?
        seconds=$(( $(date +%s) - start ))
        if grep -q "^error\(\[E[0-9]*\]\)\?:" "$log" && ! grep -q "test result" "$log"; then
            verdict="DOES NOT BUILD"
            broken=$((broken + 1))
        elif [ $status -ne 0 ]; then
            failing=$(grep -o "^    [a-z_]*::[a-z_0-9]*" "$log" | sort -u | tr -d ' ' | paste -sd, -)
            verdict="caught (${seconds}s) by $failing"
            caught=$((caught + 1))
        else
            verdict="MISSED (${seconds}s)"
            missed=$((missed + 1))
        fi
    fi
    cp "$SCRATCH/pristine/${file#src/}" "$file"
    line=$(printf '%-36s %s' "$name" "$verdict")
    echo "$line"
    report+=("$line")
done <<<"$BREAKAGES"

echo "caught $caught, missed $missed, not applied or not built $broken"
[ $missed -eq 0 ] && [ $broken -eq 0 ]
