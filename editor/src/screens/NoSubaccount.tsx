import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import type { Subaccount } from '../api/types';
import { navigate } from '../app/router';
import { useSession } from '../app/session';

/** First steps: flows live in a sub-account, so owners and admins create one; others ask for one. */
export function NoSubaccount() {
  const role = useSession((s) => s.me?.user?.role);
  const addSubaccount = useSession((s) => s.addSubaccount);
  const [error, setError] = useState<string | null>(null);
  const mayCreate = role === 'owner' || role === 'admin';

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get('name'));
    try {
      const sub = await api<Subaccount>('POST', '/api/subaccounts', { name });
      addSubaccount(sub);
      navigate({ screen: 'flows', sid: sub.id }, { replace: true });
    } catch (err) {
      setError(messageOf(err));
    }
  }

  if (!mayCreate) return <p className="centered">You have no sub-account yet. Ask an owner or admin of your agency to give you one.</p>;
  return (
    <form className="card centered" onSubmit={create} aria-label="Create a sub-account">
      <h2>Create your first sub-account</h2>
      <p>Flows, integrations and executions belong to a sub-account (one per client, usually).</p>
      <label>
        Name
        <input name="name" required maxLength={200} />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" className="primary">
        Create
      </button>
    </form>
  );
}
