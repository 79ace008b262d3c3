/** TOTP second factor for staff (RELIABILITY rule 4, check 7), built on otplib. */
import { randomBytes } from 'node:crypto';
import { createGuardrails, generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

// The well-known demo secret (JBSWY3DPEHPK3PXP) decodes to 10 bytes; generated secrets have 20.
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });
// server-text: the issuer name shown by the authenticator app, the same in every language
export const TOTP_ISSUER = 'CSDL Hội - Bộ Nội vụ';

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The code for a secret at a moment (used by tests and by the demo hint). */
export function totpCode(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000), guardrails });
}

/**
 * Checks a 6-digit code at `at`, allowing one step of clock drift either way.
 * Returns the time step the code belongs to, or null. Replay is refused by the caller storing the step.
 */
export async function verifyTotp(secret: string, code: string, at: Date, afterTimeStep?: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: 30,
    guardrails,
    ...(afterTimeStep !== null && afterTimeStep !== undefined ? { afterTimeStep } : {}),
  });
  return result.valid && 'timeStep' in result ? (result as { timeStep: number }).timeStep : null;
}

export function totpUri(secret: string, username: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: username, secret });
}

export function qrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
}

/** Ten one-time recovery codes like 7KQF-2M9X-WD, from an alphabet without look-alike characters. */
export function newRecoveryCodes(count = 10): string[] {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 10)}`;
  });
}
