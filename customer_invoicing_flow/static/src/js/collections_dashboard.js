odoo.define('customer_invoicing_flow.collections_dashboard', function (require) {
"use strict";
/**
 * The collections dashboard is a form on a transient record opened inline
 * (no Save/Discard). Its period is a view setting, not data: leaving the
 * page after changing it must not ask "your changes will be discarded".
 * Buttons still save it first (the form does), so they act on the period
 * shown.
 */
var FormController = require('web.FormController');
var FormView = require('web.FormView');
var viewRegistry = require('web.view_registry');

var DashboardController = FormController.extend({
    /**
     * Nothing of a dashboard is worth keeping: never ask, never discard.
     *
     * @override
     */
    canBeDiscarded: function () {
        return $.when(false);
    },
});

var DashboardView = FormView.extend({
    config: _.extend({}, FormView.prototype.config, {
        Controller: DashboardController,
    }),
});

viewRegistry.add('collections_dashboard_form', DashboardView);

return {
    DashboardController: DashboardController,
    DashboardView: DashboardView,
};
});
