import { env } from "~/env.js";
import { AppError } from "~/server/lib/errors";
import { findNonPublicAddress } from "~/server/lib/public-addresses";

const MAX_URL_LENGTH = 2000;

/**
 * Checks a webhook URL a member typed: http or https only, no credentials in it, and a host that is not
 * (and does not resolve to) a private address unless ALERT_WEBHOOK_ALLOW_PRIVATE is set. Answers the URL
 * and the label the page may show (scheme and host: a Slack URL's path is its token).
 *
 * The address check here is for a clear message when the channel is added; the guarantee is at delivery
 * (deliver-alert.ts), where the connection itself refuses non-public addresses, whatever a name resolves
 * to by then. Redirects are never followed either, so a public URL cannot bounce a request inward.
 */
export async function parseAlertWebhookUrl(raw: string): Promise<{ url: string; label: string }> {
  const text = raw.trim();
  const invalid = (message: string) => new AppError("BAD_REQUEST", message, { fieldErrors: { url: message } });
  if (!text) throw invalid("Enter the webhook URL.");
  if (text.length > MAX_URL_LENGTH) throw invalid(`The URL is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid("This is not a URL: use the full address, starting with https://.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid(`Only http:// and https:// webhooks can be called, not ${url.protocol}//.`);
  if (url.username || url.password) throw invalid("Leave the user name and password out of the URL; webhooks are signed instead.");
  if (!env.ALERT_WEBHOOK_ALLOW_PRIVATE) {
    // The URL parser has already turned 2130706433, 0x7f.1 and the like into 127.0.0.1.
    const address = await findNonPublicAddress(url.hostname);
    if (address) throw invalid(describePrivateAddress(url.hostname, address));
  }
  return { url: url.toString(), label: webhookLabel(url) };
}

/** Why an alert may not go to this host; shown when the channel is added and recorded when a delivery is refused. */
export function describePrivateAddress(host: string, address: string): string {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  const what = bare === address ? `This address is private (${address})` : `${bare} resolves to a private address (${address})`;
  return `${what}; alerts can only go to public addresses.`;
}

function webhookLabel(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === "/" && !url.search ? "" : "/…"}`;
}
