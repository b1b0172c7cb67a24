/**
 * The Home tab of one person: every environment's state, read through the use cases (status,
 * recent operations), each one on its own so one unreachable environment does not blank the rest,
 * rendered by messages/home-view.ts and published with views.publish.
 */
import type { webApi } from '@slack/bolt';
import { redactString } from '../domain/redact.js';
import type { BotContext } from './bot-context.js';
import { homeView, type HomeEnvironment } from './messages/home-view.js';
import { publishHome } from './reply.js';

const MAX_ENVIRONMENTS = 12;

async function environmentState(ctx: BotContext, environment: string): Promise<HomeEnvironment> {
  const recent = await ctx.useCases.recentOperations(environment, 5).catch((err: unknown) => {
    ctx.log.warn({ err, environment }, 'could not read recent operations for the Home tab');
    return [];
  });
  try {
    return { environment, status: await ctx.useCases.status(environment), recent };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { environment, status: null, problem: `its state could not be read: ${redactString(why)}`, recent };
  }
}

export async function refreshHome(ctx: BotContext, client: webApi.WebClient, userId: string): Promise<void> {
  const environments = ctx.useCases.environments().slice(0, MAX_ENVIRONMENTS);
  const states = await Promise.all(environments.map((e) => environmentState(ctx, e)));
  await publishHome(client, userId, homeView(states, ctx.now()));
}
