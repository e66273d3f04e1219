import type { Child } from 'hono/jsx';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps {
  children?: Child;
  variant?: ButtonVariant;
  type?: 'submit' | 'button' | 'reset';
  small?: boolean;
  block?: boolean;
  name?: string;
  value?: string;
  /** Any further attribute (hx-*, aria-*, data-*). */
  [attr: string]: unknown;
}

/** The one button style of the UI; `primary` unless a variant is given. */
export function Button({ children, variant = 'primary', type = 'submit', small, block, ...rest }: ButtonProps) {
  const cls = ['btn', variant === 'primary' ? '' : `btn-${variant}`, small ? 'btn-small' : '', block ? 'btn-block' : ''].filter(Boolean).join(' ');
  return <button type={type} class={cls} {...rest}>{children}</button>;
}
