export interface FormFieldProps {
  label: string;
  name: string;
  type?: 'text' | 'email' | 'password' | 'search';
  value?: string;
  hint?: string;
  error?: string;
  required?: boolean;
  autocomplete?: string;
  /** Defaults to the name; must be unique on the page. */
  id?: string;
  minlength?: number;
  maxlength?: number;
  readonly?: boolean;
  autofocus?: boolean;
  placeholder?: string;
}

/** A labelled input with an optional hint and an error tied to it for screen readers. */
export function FormField(p: FormFieldProps) {
  const id = p.id ?? p.name;
  const described = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value}
        required={p.required}
        autocomplete={p.autocomplete}
        minlength={p.minlength}
        maxlength={p.maxlength}
        readonly={p.readonly}
        autofocus={p.autofocus}
        placeholder={p.placeholder}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={described}
      />
      {p.hint ? <span class="hint" id={`${id}-hint`}>{p.hint}</span> : null}
      {p.error ? <span class="error" id={`${id}-error`}>{p.error}</span> : null}
    </div>
  );
}
