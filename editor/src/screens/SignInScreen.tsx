import { useState, type FormEvent } from 'react';
import { messageOf } from '../api/client';
import { navigate } from '../app/router';
import { useSession } from '../app/session';

export function SignInScreen({ mode }: { mode: 'signin' | 'register' }) {
  const { signIn, register } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signin') await signIn(email, password);
      else await register({ email, password, agencyName: String(form.get('agencyName')), name: String(form.get('name') || '') || undefined });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered auth">
      <h1>Switchboard</h1>
      <form onSubmit={submit} className="card" aria-label={mode === 'signin' ? 'Sign in' : 'Create an account'}>
        <h2>{mode === 'signin' ? 'Sign in' : 'Create your agency'}</h2>
        {mode === 'register' && (
          <>
            <label>
              Agency name
              <input name="agencyName" required maxLength={200} autoComplete="organization" />
            </label>
            <label>
              Your name
              <input name="name" autoComplete="name" />
            </label>
          </>
        )}
        <label>
          Email
          <input name="email" type="email" required autoComplete="email" />
        </label>
        <label>
          Password
          <input name="password" type="password" required minLength={mode === 'register' ? 8 : undefined} autoComplete={mode === 'signin' ? 'current-password' : 'new-password'} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'signin' ? 'Sign in' : 'Create account'}
        </button>
        {mode === 'signin' ? (
          <p>
            New here?{' '}
            <a href="/register" onClick={(e) => (e.preventDefault(), navigate({ screen: 'register' }))}>
              Create an account
            </a>
          </p>
        ) : (
          <p>
            Have an account?{' '}
            <a href="/signin" onClick={(e) => (e.preventDefault(), navigate({ screen: 'signin' }))}>
              Sign in
            </a>
          </p>
        )}
      </form>
    </main>
  );
}
