using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KataServer.Platform.Data.Migrations
{
    /// <inheritdoc />
    public partial class TeachingAndScreening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "KataVersion",
                table: "Submissions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuthoredKatas",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    Draft = table.Column<byte[]>(type: "BLOB", nullable: false),
                    DraftRevision = table.Column<int>(type: "INTEGER", nullable: false),
                    DraftSavedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ValidatedRevision = table.Column<int>(type: "INTEGER", nullable: true),
                    LatestVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    CopiedFrom = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuthoredKatas", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AuthoredKatas_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Cohorts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Cohorts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Cohorts_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Screenings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Katas = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    TimeLimitSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    InvitationValidHours = table.Column<int>(type: "INTEGER", nullable: false),
                    HintsAllowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    FindingsShown = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Screenings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Screenings_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AuthoredKataVersions",
                columns: table => new
                {
                    KataId = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Files = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ValidationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PublishedBy = table.Column<string>(type: "TEXT", nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuthoredKataVersions", x => new { x.KataId, x.Version });
                    table.ForeignKey(
                        name: "FK_AuthoredKataVersions_AuthoredKatas_KataId",
                        column: x => x.KataId,
                        principalTable: "AuthoredKatas",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "KataValidations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KataId = table.Column<string>(type: "TEXT", nullable: false),
                    DraftRevision = table.Column<int>(type: "INTEGER", nullable: false),
                    Files = table.Column<byte[]>(type: "BLOB", nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", nullable: false),
                    Done = table.Column<int>(type: "INTEGER", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    Passed = table.Column<bool>(type: "INTEGER", nullable: true),
                    ReportJson = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KataValidations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KataValidations_AuthoredKatas_KataId",
                        column: x => x.KataId,
                        principalTable: "AuthoredKatas",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CohortAssignments",
                columns: table => new
                {
                    CohortId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kata = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AssignedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CohortAssignments", x => new { x.CohortId, x.Kata });
                    table.ForeignKey(
                        name: "FK_CohortAssignments_Cohorts_CohortId",
                        column: x => x.CohortId,
                        principalTable: "Cohorts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CohortInvites",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CohortId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CohortInvites", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CohortInvites_Cohorts_CohortId",
                        column: x => x.CohortId,
                        principalTable: "Cohorts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CohortMembers",
                columns: table => new
                {
                    CohortId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    JoinedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CohortMembers", x => new { x.CohortId, x.UserId });
                    table.ForeignKey(
                        name: "FK_CohortMembers_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CohortMembers_Cohorts_CohortId",
                        column: x => x.CohortId,
                        principalTable: "Cohorts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScreeningCandidates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ScreeningId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    InvitationHash = table.Column<string>(type: "TEXT", nullable: false),
                    InvitedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    InvitationExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EmailedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SessionHash = table.Column<string>(type: "TEXT", nullable: true),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndsAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedBecause = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    FinishJobId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScreeningCandidates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScreeningCandidates_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ScreeningCandidates_Screenings_ScreeningId",
                        column: x => x.ScreeningId,
                        principalTable: "Screenings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CodeSnapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CandidateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kata = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    Pastes = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    SubmissionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CodeSnapshots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CodeSnapshots_ScreeningCandidates_CandidateId",
                        column: x => x.CandidateId,
                        principalTable: "ScreeningCandidates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuthoredKatas_OwnerId",
                table: "AuthoredKatas",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_CodeSnapshots_CandidateId_Kata_Id",
                table: "CodeSnapshots",
                columns: new[] { "CandidateId", "Kata", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CohortInvites_CohortId",
                table: "CohortInvites",
                column: "CohortId");

            migrationBuilder.CreateIndex(
                name: "IX_CohortInvites_Hash",
                table: "CohortInvites",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CohortMembers_UserId",
                table: "CohortMembers",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_Cohorts_OwnerId",
                table: "Cohorts",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_KataValidations_KataId_CreatedAt",
                table: "KataValidations",
                columns: new[] { "KataId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ScreeningCandidates_InvitationHash",
                table: "ScreeningCandidates",
                column: "InvitationHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScreeningCandidates_ScreeningId",
                table: "ScreeningCandidates",
                column: "ScreeningId");

            migrationBuilder.CreateIndex(
                name: "IX_ScreeningCandidates_UserId",
                table: "ScreeningCandidates",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Screenings_OwnerId",
                table: "Screenings",
                column: "OwnerId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuthoredKataVersions");

            migrationBuilder.DropTable(
                name: "CodeSnapshots");

            migrationBuilder.DropTable(
                name: "CohortAssignments");

            migrationBuilder.DropTable(
                name: "CohortInvites");

            migrationBuilder.DropTable(
                name: "CohortMembers");

            migrationBuilder.DropTable(
                name: "KataValidations");

            migrationBuilder.DropTable(
                name: "ScreeningCandidates");

            migrationBuilder.DropTable(
                name: "Cohorts");

            migrationBuilder.DropTable(
                name: "AuthoredKatas");

            migrationBuilder.DropTable(
                name: "Screenings");

            migrationBuilder.DropColumn(
                name: "KataVersion",
                table: "Submissions");
        }
    }
}
