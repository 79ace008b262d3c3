/**
 * E-mail through nodemailer when SMTP_URL is set (the jobs send reminders that also exist in-app). Disabled
 * otherwise: `enabled` is false and nothing is sent.
 */
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** A stable id (e.g. per notification) so a re-sent message can be recognised by the receiving side. */
  messageId?: string;
  /** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058). */
  headers?: Record<string, string>;
}

export interface Mailer {
  readonly enabled: boolean;
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function createMailer(mail: Config['mail']): Mailer {
  if (!mail.smtpUrl || !mail.from) {
    return {
      enabled: false,
      async send() {
        throw new Error('SMTP is not configured');
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(mail.smtpUrl);
  const from = mail.from;
  return {
    enabled: true,
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        ...(m.messageId ? { messageId: m.messageId } : {}),
        ...(m.headers ? { headers: m.headers } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
