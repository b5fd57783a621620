using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KataServer.Platform.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class ArchivedKatasAndCoAuthors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "AuthoredKatas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuthoredKataAuthors",
                columns: table => new
                {
                    KataId = table.Column<string>(type: "character varying(100)", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    AddedBy = table.Column<string>(type: "text", nullable: false),
                    AddedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuthoredKataAuthors", x => new { x.KataId, x.UserId });
                    table.ForeignKey(
                        name: "FK_AuthoredKataAuthors_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AuthoredKataAuthors_AuthoredKatas_KataId",
                        column: x => x.KataId,
                        principalTable: "AuthoredKatas",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuthoredKataAuthors_UserId",
                table: "AuthoredKataAuthors",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuthoredKataAuthors");

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "AuthoredKatas");
        }
    }
}
