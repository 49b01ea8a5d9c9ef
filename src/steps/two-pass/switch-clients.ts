// The seed's manual step: applications move from the source cluster to the dest. Ferry stops and says exactly
// what to switch; `ferry resume --confirm-switch` goes on.
import { stripUserInfo } from '../../plan/options.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step, type StepContext } from '../step.js';

export const SWITCH_GATE = 'switch-clients';

export const switchClients: Step = {
  name: 'switch_clients',
  describe: (plan) => [
    `STOP: the operator switches applications from ${plan.sourceIndex} on the source to ${plan.destIndex} on the dest, then runs ferry resume --confirm-switch`,
  ],
  async run(ctx) {
    if (ctx.flags.confirmSwitch || ctx.state.confirmations[SWITCH_GATE]) {
      ctx.state.confirmations[SWITCH_GATE] ??= ctx.now().toISOString();
      await ctx.save();
      return DONE;
    }
    const { plan } = ctx;
    return {
      kind: 'wait',
      gate: SWITCH_GATE,
      instructions: [
        `Switch every application that reads or writes index "${plan.sourceIndex}" on ${stripUserInfo(plan.source.url)}`,
        `to index "${plan.destIndex}" on ${stripUserInfo(plan.dest.url)}.`,
        'Writes still reaching the source go to the delta index and are copied by the next step.',
        `Then run: ferry resume --id ${plan.id} --confirm-switch`,
      ],
    };
  },
  async verify(ctx) {
    verifyConfirmation(ctx);
    if (!(await ctx.dest.indexExists(ctx.plan.destIndex)))
      throw new StepVerificationError(
        `the clients were switched to ${ctx.plan.destIndex}, which is missing on the dest`,
        'Move the clients back to the source, then `ferry abort` and start again.',
      );
  },
};

/** The switch is recorded as the moment the operator confirmed it, which cannot be later than now. */
function verifyConfirmation(ctx: StepContext): void {
  const at = ctx.state.confirmations[SWITCH_GATE];
  const time = at === undefined ? Number.NaN : Date.parse(at);
  if (Number.isNaN(time) || time > ctx.now().getTime())
    throw new StepVerificationError(
      `the client switch is recorded as ${String(at)}, not as a past moment`,
      `Run \`ferry resume --id ${ctx.plan.id} --confirm-switch\` once the clients are switched.`,
    );
}
