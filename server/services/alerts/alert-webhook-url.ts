import { AppError } from "~/server/lib/errors";

const MAX_URL_LENGTH = 2000;

/**
 * Checks a webhook URL a member typed: http or https only, no credentials in it. Answers the URL and the
 * label the page may show (scheme and host: a Slack URL's path is its token).
 *
 * Not checked: where the host resolves. An admin or member can point a webhook at an internal address,
 * as with any self-hosted webhook feature; operators who need that closed put the app behind an egress
 * proxy or firewall. Redirects are never followed (deliver-alert.ts), so a public URL cannot bounce a
 * request inward.
 */
export function parseAlertWebhookUrl(raw: string): { url: string; label: string } {
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
  return { url: url.toString(), label: webhookLabel(url) };
}

function webhookLabel(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === "/" && !url.search ? "" : "/…"}`;
}
