import { navigate } from '../app/router';
import { usePlanLimit } from '../app/plan-limit';
import { useSession } from '../app/session';
import { mayManageBilling } from '../lib/billing';
import './plan-limit.css';

/** Wherever a plan limit stopped an action, its message and the way out: the billing page, or who can upgrade. */
export function PlanLimitBanner() {
  const { message, upgradeTo, dismiss } = usePlanLimit();
  const role = useSession((s) => s.me?.user?.role);
  if (!message) return null;
  return (
    <div className="plan-limit-banner" role="alert" data-testid="plan-limit">
      <span>{message}</span>
      {mayManageBilling(role) ? (
        <a
          href="/billing"
          onClick={(e) => {
            e.preventDefault();
            dismiss();
            navigate({ screen: 'billing' });
          }}
        >
          {upgradeTo ? `Upgrade to ${upgradeTo[0]!.toUpperCase()}${upgradeTo.slice(1)} on the billing page` : 'Open the billing page'}
        </a>
      ) : (
        <span className="muted">Ask an owner of your agency to upgrade the plan.</span>
      )}
      <span className="spacer" />
      <button type="button" className="link" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
