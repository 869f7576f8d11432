import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, messageOf } from '../api/client';
import type { Approval, Flow, Page } from '../api/types';
import { useApprovalsCount } from '../app/approvals-count';
import { navigate } from '../app/router';
import { Listing } from '../components/Listing';
import { ago } from '../lib/flows-list';
import { onTabListKey } from '../components/tab-keys';

interface ApprovalItem extends Approval {
  decidedBy?: string | null;
  comment?: string | null;
  decidedAt?: string | null;
}

/** The approvals inbox: what waits for a person, approved or rejected here with a comment; and what was decided. */
export default function ApprovalsScreen({ sid, editable }: { sid: string; editable: boolean }) {
  const base = `/api/subaccounts/${sid}`;
  const [show, setShow] = useState<'pending' | 'all'>('pending');
  const [items, setItems] = useState<ApprovalItem[] | null>(null);
  const [flows, setFlows] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    api<Page<ApprovalItem>>('GET', `${base}/approvals?status=${show}&limit=200`).then(
      (p) => setItems(p.items),
      (err) => setError(messageOf(err)),
    );
    void useApprovalsCount.getState().refresh(sid);
  }, [base, sid, show]);
  useEffect(load, [load]);
  useEffect(() => {
    api<Page<Flow>>('GET', `${base}/flows?limit=200`).then((p) => setFlows(new Map(p.items.map((f) => [f.id, f.name]))), () => undefined);
  }, [base]);

  const decided = (item: ApprovalItem, decision: string) => {
    setNotice(`${decision === 'approved' ? 'Approved' : 'Rejected'}: ${item.title}. The flow goes on.`);
    load();
  };

  return (
    <main className="page">
      <div className="page-head">
        <h1>Approvals</h1>
        <div role="tablist" className="tabs" aria-label="Which approvals" onKeyDown={onTabListKey}>
          <button role="tab" type="button" aria-selected={show === 'pending'} tabIndex={show === 'pending' ? 0 : -1} onClick={() => setShow('pending')}>
            Waiting
          </button>
          <button role="tab" type="button" aria-selected={show === 'all'} tabIndex={show === 'all' ? 0 : -1} onClick={() => setShow('all')}>
            All
          </button>
        </div>
      </div>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      <Listing items={items} empty={show === 'pending' ? 'Nothing waits for a decision.' : 'No approvals yet.'}>
        {(items) => (
          <ul className="approvals">
            {items.map((a) => (
              <ApprovalCard key={a.id} item={a} base={base} flowName={flows.get(a.flowId) ?? a.flowId} editable={editable} onOpen={() => navigate({ screen: 'flow', sid, fid: a.flowId, executionId: a.executionId })} onDecided={decided} onStale={load} />
            ))}
          </ul>
        )}
      </Listing>
    </main>
  );
}

function ApprovalCard({ item, base, flowName, editable, onOpen, onDecided, onStale }: { item: ApprovalItem; base: string; flowName: string; editable: boolean; onOpen(): void; onDecided(item: ApprovalItem, decision: string): void; onStale(): void }) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (decision: 'approved' | 'rejected') => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `${base}/approvals/${item.id}/decide`, { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      onDecided(item, decision);
    } catch (err) {
      setError(messageOf(err));
      if (err instanceof ApiError && err.status === 409) onStale();
    } finally {
      setBusy(false);
    }
  };
  const commentId = `comment-${item.id}`;
  return (
    <li className="card approval" aria-label={`Approval: ${item.title}`}>
      <header>
        <strong>{item.title}</strong> <span className={`status status-${item.status}`}>{item.status}</span>
      </header>
      {item.description && <p>{item.description}</p>}
      <p className="muted">
        Flow{' '}
        <a href="#" onClick={(e) => (e.preventDefault(), onOpen())}>
          {flowName}
        </a>{' '}
        · node <code>{item.nodeId}</code> · asked {ago(item.createdAt)}
        {item.decidedAt ? ` · decided ${ago(item.decidedAt)}` : ''}
      </p>
      {item.comment && <blockquote>{item.comment}</blockquote>}
      {item.status === 'pending' && editable && (
        <div className="approval-decide">
          <label htmlFor={commentId}>Comment (optional)</label>
          <textarea id={commentId} rows={2} maxLength={5000} value={comment} onChange={(e) => setComment(e.target.value)} />
          <div className="dialog-actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void decide('rejected')}>
              Reject
            </button>
            <button type="button" className="primary" disabled={busy} onClick={() => void decide('approved')}>
              Approve
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  );
}
