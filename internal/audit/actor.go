package audit

import "context"

// origin is who a background job acts for, and the call that started it.
type origin struct{ actor, requestID string }

type originKey struct{}

// WithActor returns ctx naming the actor (and the request id of the call
// that started it) of work done outside an API call on someone's behalf,
// such as an import job: writes made under ctx without a recorder are
// audited as that actor rather than as "system".
func WithActor(ctx context.Context, actor, requestID string) context.Context {
	return context.WithValue(ctx, originKey{}, origin{actor: actor, requestID: requestID})
}

// ActorFrom returns the actor and request id WithActor put in ctx, or
// "system" and "" when none.
func ActorFrom(ctx context.Context) (actor, requestID string) {
	if o, ok := ctx.Value(originKey{}).(origin); ok && o.actor != "" {
		return o.actor, o.requestID
	}
	return "system", ""
}
